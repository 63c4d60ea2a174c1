import { AppError } from '../errors.ts';

/**
 * A contract's string union as a protobuf enum: protobuf style prefixes every value with the enum's name
 * (`LOCATION_TYPE_PICK_FACE`) and reserves 0 for "unspecified", which no contract value maps to.
 */
export function protoEnum<const V extends string, const P extends string>(prefix: P, values: readonly V[]) {
  return {
    toProto: (value: V): `${P}${V}` => `${prefix}${value}`,
    fromProto(name: string): V {
      const value = values.find((v) => `${prefix}${v}` === name);
      // A value this build does not know: the peer runs a newer contract; a fault, not a client error.
      if (value === undefined) throw new AppError('INTERNAL', `${name} is not a known ${prefix.slice(0, -1)} value`);
      return value;
    },
  };
}
