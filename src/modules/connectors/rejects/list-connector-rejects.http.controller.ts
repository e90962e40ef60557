import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ConnectorRejectListSchema } from '../../operations/operations.openapi';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { type FieldError, invalid } from '@sinergi/common';
import { INAPROC_ENDPOINTS } from '../inaproc/inaproc.endpoints';
import { ListConnectorRejectsQuery, type RejectStatusFilter } from './list-connector-rejects.query';

const KNOWN = new Set(['limit', 'connector', 'endpoint', 'status']);
const CONNECTOR = /^[a-z0-9][a-z0-9-]{1,62}$/;
const ENDPOINTS = new Set(INAPROC_ENDPOINTS.map((e) => e.id));
const STATUSES: readonly RejectStatusFilter[] = ['open', 'resolved', 'all'];

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/ops/connector-rejects')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class ListConnectorRejectsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Rows a pull connector (INAPROC) could not turn into events, or whose events the ingest refused; most recently seen first',
    description:
      'A row is never dropped silently: one that cannot be mapped (no NPWP, a bad date, …) is `UNMAPPABLE`, one whose event the ingest ' +
      'refused (400/409/422, as for an HTTP client) is `REFUSED` with the ingest’s code, status and failing paths. Rows carry the source’s ' +
      'identifiers and reason codes only, never names, NIKs, NPWPs or amounts. A row seen again counts `timesSeen` up; one later accepted ' +
      'is resolved (`status=resolved` or `all` to see those). Scoped by the project’s region (the connector’s regency when unknown).',
  })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES, example: 'open' })
  @ApiQuery({ name: 'connector', required: false, example: 'inaproc-d123' })
  @ApiQuery({ name: 'endpoint', required: false, example: 'tender/tender-ekontrak-kontrak' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiOkResponse({ type: ConnectorRejectListSchema })
  @ApiResponse({ status: 400, description: 'invalid_query: an unknown parameter, or one malformed' })
  list(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const errors: FieldError[] = Object.keys(query)
      .filter((k) => !KNOWN.has(k))
      .map((k) => ({ path: k, code: 'unknown_parameter', message: `${k} is not a known parameter` }));
    const limitRaw = query.limit ?? '100';
    const limit = typeof limitRaw === 'string' && /^\d{1,4}$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!(limit >= 1 && limit <= 1000)) errors.push({ path: 'limit', code: 'out_of_range', message: 'limit must be a whole number from 1 to 1000' });
    const status = query.status ?? 'open';
    if (typeof status !== 'string' || !STATUSES.includes(status as RejectStatusFilter)) {
      errors.push({ path: 'status', code: 'invalid_value', message: 'status must be open, resolved or all' });
    }
    const connector = query.connector ?? null;
    if (connector !== null && (typeof connector !== 'string' || !CONNECTOR.test(connector))) {
      errors.push({ path: 'connector', code: 'invalid_format', message: 'connector must be a connector name such as inaproc-d123' });
    }
    const endpoint = query.endpoint ?? null;
    if (endpoint !== null && (typeof endpoint !== 'string' || !ENDPOINTS.has(endpoint))) {
      errors.push({ path: 'endpoint', code: 'invalid_value', message: `endpoint must be one of ${[...ENDPOINTS].join(', ')}` });
    }
    if (errors.length) throw invalid('invalid_query', 'the query is not valid', errors);
    return this.queries.execute(
      new ListConnectorRejectsQuery(principal, limit, {
        connector: connector as string | null,
        endpoint: endpoint as string | null,
        status: status as RejectStatusFilter,
      }),
    );
  }
}
