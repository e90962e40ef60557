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
export { findUnsafeJsonText, joinPath, MAX_JSON_DEPTH } from './json-text';
export { MAX_FIELD_ERRORS, toFieldErrors } from './field-errors';
export { type DtoClass, NestedDto, nestedDtoOf } from './nested-dto';
export { validatedBody } from './validated-body.pipe';
