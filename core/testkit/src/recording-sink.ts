import type { InboundSink, SubmitResult } from '@aof/api';
import type { RecordedInbound } from './harness.js';

export interface RecordingSink {
  /** Hand this to the kernel (or the plugin) as core.inbound. */
  sink: InboundSink;
  /** Every submitted message, in order. */
  messages: RecordedInbound[];
}

/** An InboundSink that accepts and keeps every message, for assertions. */
export function createRecordingSink(): RecordingSink {
  const messages: RecordedInbound[] = [];
  let count = 0;
  return {
    messages,
    sink: {
      async submit(message): Promise<SubmitResult> {
        messages.push(message);
        count += 1;
        return { status: 'accepted', requestId: `recorded-${count}` };
      },
    },
  };
}
