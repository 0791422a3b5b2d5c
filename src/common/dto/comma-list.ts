import { Transform } from 'class-transformer';

/** A list in the query string: `status=new,open` and `status=new&status=open` both mean either. */
export const commaList = () =>
  Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((part) => String(part).split(','))
      .map((part) => part.trim())
      .filter(Boolean),
  );
