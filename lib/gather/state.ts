/** PENDING until every responder answered or the deadline passed; then one of the three outcomes, once. */
export type GatherStatus = 'PENDING' | 'COMPLETE' | 'PARTIAL' | 'FAILED';

/** One responder's answer, as recorded (the first one counts; later ones change nothing). */
export interface Answer {
  kind: 'response' | 'error';
  detailType: string;
  eventId: string;
  at: string;
  data: unknown;
}

export interface GatherState<Input> {
  requestId: string;
  gather: string;
  status: GatherStatus;
  input: Input;
  /** Every responder asked, with whether the result needs it. */
  responders: Record<string, { required: boolean }>;
  answers: Record<string, Answer>;
  correlationId: string;
  startedAt: string;
  deadline: string;
  endedAt?: string;
  /** Why it ended as it did: "all answered", "deadline: ... missing", "required ... failed". */
  reason?: string;
  version: number;
}
