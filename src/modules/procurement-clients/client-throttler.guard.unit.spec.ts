import { eventCost } from './client-throttler.guard';

describe('eventCost', () => {
  it('charges a batch one unit per event and anything else one unit', () => {
    expect(eventCost({ events: Array.from({ length: 20 }, () => ({})) })).toBe(20);
    expect(eventCost({ eventId: 'spse-1', type: 'ProjectRegistered' })).toBe(1);
    // Malformed bodies are refused later by the controller; they still cost a request.
    expect(eventCost({ events: [] })).toBe(1);
    expect(eventCost({ events: 'many' })).toBe(1);
    expect(eventCost(null)).toBe(1);
    expect(eventCost([1, 2, 3])).toBe(1);
  });
});
