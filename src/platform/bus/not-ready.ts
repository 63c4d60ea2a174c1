/**
 * Thrown by a handler whose event depends on an earlier event of ANOTHER stream that this consumer has not handled
 * yet (inventory hears of a dispatch before the picks it ships: two producers, two topics, no order between them once
 * a consumer catches up after a restart). The bus waits and delivers it again, with a growing pause, without counting
 * it as a failed attempt, for up to `notReadyTimeoutMs` (10 minutes across a broker); only then is it dead-lettered.
 * In one process (the inline bus) the timeout is 0: one outbox orders every event, so such an event never becomes ready.
 * Within one stream the order holds anyway: this is for causality across producers.
 */
export class EventNotReady extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventNotReady';
  }
}
