import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ParkedEventListSchema } from '../operations.openapi';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { invalid } from '@sinergi/common';
import { ListParkedEventsQuery } from './list-parked-events.query';

const CONSUMER = /^[a-z0-9:_-]{1,100}$/;

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/ops/parked-events')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class ListParkedEventsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Events a consumer could not apply and parked, newest first',
    description:
      'A relay or projection that fails on one event (its data, not the database being away) retries it alone, then parks it and goes on, ' +
      'so one event never stalls every region. Each parked event raises `sinergi_consumer_parked_events_total`. Scoped by the event’s region.',
  })
  @ApiQuery({ name: 'consumer', required: false, example: 'projection:coverage' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiOkResponse({ type: ParkedEventListSchema })
  @ApiResponse({ status: 400, description: 'invalid_query: an unknown parameter, or limit / consumer malformed' })
  list(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const unknown = Object.keys(query).filter((k) => k !== 'limit' && k !== 'consumer');
    if (unknown.length) {
      throw invalid('invalid_query', 'unknown query parameters', unknown.map((k) => ({ path: k, code: 'unknown_parameter', message: `${k} is not a known parameter` })));
    }
    const limitRaw = query.limit ?? '100';
    const limit = typeof limitRaw === 'string' && /^\d{1,4}$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!(limit >= 1 && limit <= 1000)) throw invalid('invalid_query', 'limit must be 1 to 1000', [{ path: 'limit', code: 'out_of_range', message: 'limit must be a whole number from 1 to 1000' }]);
    const consumer = query.consumer ?? null;
    if (consumer !== null && (typeof consumer !== 'string' || !CONSUMER.test(consumer))) {
      throw invalid('invalid_query', 'consumer is not a consumer name', [{ path: 'consumer', code: 'invalid_format', message: 'consumer must be a consumer name such as projection:coverage' }]);
    }
    return this.queries.execute(new ListParkedEventsQuery(principal, limit, consumer as string | null));
  }
}
