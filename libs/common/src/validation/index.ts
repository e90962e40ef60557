export {
  IDENTIFIER_CONSTRAINTS,
  IsIsoDate,
  IsKnownRegion,
  IsNik,
  IsNpwp,
  IsRegionCode,
  IsRupiah,
  DATE_RANGE,
  MAX_CONTRACT_VALUE,
} from './identifier.decorators';
export { findUnsafeJsonText, joinPath } from './json-text';
export { toFieldErrors } from './field-errors';
export { type DtoClass, NestedDto, nestedDtoOf } from './nested-dto';
export { validatedBody } from './validated-body.pipe';
