import { Body, Controller, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedRequest } from '../../../../platform/openapi/security';
import { Roles } from '@sinergi/auth';
import { parseRupiah } from '@sinergi/domain';
import { CommandBus } from '@nestjs/cqrs';
import { ReaderAuthGuard, type ReaderRequest } from '../../queries/get-project/reader-auth.guard';
import { SubmitEnrolmentEvidenceCommand } from './submit-enrolment-evidence.command';
import { EvidenceSubmittedResponseDto, SubmitEnrolmentEvidenceRequestDto } from './submit-enrolment-evidence.request.dto';
import { validatedBody } from '@sinergi/common/validation';

@ApiTags('projects')
@ApiBearerAuth()
@ApiSignedRequest()
@Controller('v1/projects')
@UseGuards(ReaderAuthGuard)
export class SubmitEnrolmentEvidenceHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/evidence')
  @Roles('official')
  @ApiOperation({
    summary: "Hand in the contractor's proof of BPJS enrolment for an official to confirm",
    description: 'A procurement client with its signature (docs/api.md), or an official with a JWT. Unknown fields are refused.',
  })
  @ApiCreatedResponse({ type: EvidenceSubmittedResponseDto })
  @ApiResponse({ status: 400, description: 'Invalid evidence (application/problem+json, failing paths in errors)' })
  @ApiResponse({ status: 404, description: "Unknown, or outside the caller's regions" })
  @ApiResponse({ status: 409, description: 'evidence_already_submitted: evidence with this receipt number awaits a decision or was confirmed' })
  submit(@Param('id') id: string, @Body(validatedBody()) body: SubmitEnrolmentEvidenceRequestDto, @Req() req: ReaderRequest) {
    const documents = {
      projectNumber: body.projectNumber,
      npp: body.npp,
      paymentCode: body.paymentCode ?? null,
      receiptNumber: body.receiptNumber,
      premiumPaid: parseRupiah(body.premiumPaid)!.toString(),
      coveredFrom: body.coveredFrom,
      coveredTo: body.coveredTo,
    };
    return this.commands.execute(new SubmitEnrolmentEvidenceCommand(id, req.reader!, documents, String(req.id)));
  }
}
