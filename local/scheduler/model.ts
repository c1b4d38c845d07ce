/** The Scheduler resources as the API describes them (field names as on the wire). */

export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  DeadLetterConfig?: { Arn?: string };
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  EventBridgeParameters?: { DetailType: string; Source: string };
  SqsParameters?: { MessageGroupId?: string };
}

export interface Schedule {
  Name: string;
  GroupName: string;
  Arn: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number;
  EndDate?: number;
  Description?: string;
  State: 'ENABLED' | 'DISABLED';
  ActionAfterCompletion: 'NONE' | 'DELETE';
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  KmsKeyArn?: string;
  Target: ScheduleTarget;
  CreationDate: number;
  LastModificationDate: number;
  /** Local bookkeeping (never on the wire): the last invocation, so a restart neither loses nor repeats one. */
  lastInvokedAt?: number;
}

export interface ScheduleGroup {
  Name: string;
  Arn: string;
  State: 'ACTIVE' | 'DELETING';
  CreationDate: number;
  LastModificationDate: number;
  Tags: Record<string, string>;
}

/** What CreateSchedule / UpdateSchedule take. */
export type ScheduleInput = Omit<Schedule, 'Arn' | 'CreationDate' | 'LastModificationDate' | 'lastInvokedAt' | 'State' | 'ActionAfterCompletion' | 'GroupName'> & {
  GroupName?: string;
  State?: Schedule['State'];
  ActionAfterCompletion?: Schedule['ActionAfterCompletion'];
};
