export {
  IDENTIFIER_CONSTRAINTS,
  IsIsoDate,
  IsNik,
  IsNpwp,
  IsRegionCode,
  IsRupiah,
} from './identifier.decorators';
