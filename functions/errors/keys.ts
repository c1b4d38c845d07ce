// Where the errors service keeps the errors of one flow in the read-model table.
export const errorsKey = (correlationId: string): string => `ERRORS#${correlationId}`;
