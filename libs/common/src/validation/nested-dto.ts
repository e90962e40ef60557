import { Type } from 'class-transformer';
import { ValidateNested, type ValidationOptions } from 'class-validator';

export type DtoClass = new () => object;

/** prototype → property → the nested DTO class, as `@NestedDto` declared it. */
const declared = new WeakMap<object, Map<string | symbol, () => DtoClass>>();

/**
 * `@ValidateNested() @Type(() => X)` in one decorator: class-validator validates the property as an `X` (each item
 * with `{ each: true }`), class-transformer builds an `X` for it, and `nestedDtoOf` can tell which class that is
 * without reading class-transformer's internal metadata storage.
 */
export function NestedDto(type: () => DtoClass, options?: ValidationOptions): PropertyDecorator {
  const transform = Type(type);
  const validate = ValidateNested(options);
  return (target, property) => {
    // The order of `@ValidateNested() @Type(...)` written out: decorators apply bottom-up.
    transform(target, property);
    validate(target, property);
    let byProperty = declared.get(target);
    if (!byProperty) declared.set(target, (byProperty = new Map()));
    byProperty.set(property, type);
  };
}

/** The class `@NestedDto` declares for `property` of `cls` or of a class it extends; `null` for a plain property. */
export function nestedDtoOf(cls: DtoClass, property: string): DtoClass | null {
  for (let proto: object | null = cls.prototype; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const type = declared.get(proto)?.get(property);
    if (type) return type();
  }
  return null;
}
