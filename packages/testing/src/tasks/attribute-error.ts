/** The text of Python's AttributeError for `value.get` on a value that is not a dict. */
export function attributeError(value: unknown): string {
  const type =
    value === undefined || value === null
      ? 'NoneType'
      : typeof value === 'string'
        ? 'str'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value === 'number'
            ? Number.isInteger(value)
              ? 'int'
              : 'float'
            : Array.isArray(value)
              ? 'list'
              : 'object';
  return `'${type}' object has no attribute 'get'`;
}
