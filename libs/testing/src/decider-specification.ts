import { inspect } from 'node:util';

/** The three pure functions of an event-sourced decider; `context` carries time, ids and configuration. */
export interface SpecifiedDecider<Command, Event, State, Context> {
  decide: (command: Command, state: State, context: Context) => Event | readonly Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
  /** Passed to `decide` unless `when(command, context)` gives another. @defaultValue undefined */
  context?: Context;
}

/** A predicate the thrown error must satisfy, or the error class it must be an instance of. */
export type ErrorCheck<E extends Error = Error> = ((error: E) => boolean) | (abstract new (...args: never[]) => E);

export interface DeciderThen<Event> {
  /** Asserts `decide` returned exactly these events, in this order (Jest `toEqual`). */
  then(expected: Event | readonly Event[]): void;
  /** Asserts `decide` threw; when given, the error must be an instance of the class and/or satisfy the predicate. */
  thenThrows<E extends Error = Error>(check?: ErrorCheck<E>, predicate?: (error: E) => boolean): void;
  /** Asserts `decide` returned no events. */
  thenNothingHappened(): void;
}

export interface DeciderGiven<Command, Event, Context> {
  when(command: Command, context?: Context): DeciderThen<Event>;
}

export interface DeciderSpecification<Command, Event, Context> {
  given(events: Event | readonly Event[]): DeciderGiven<Command, Event, Context>;
}

const show = (value: unknown) => inspect(value, { depth: 8, breakLength: 120 });

const asArray = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? value : [value as T]);

/**
 * Given/when/then for a decider, after emmett's `DeciderSpecification`: the given events are folded with
 * `evolve` from `initialState()`, then `decide` runs on the command and the result is asserted.
 */
export const DeciderSpecification = {
  for<Command, Event, State, Context = undefined>(
    decider: SpecifiedDecider<Command, Event, State, Context>,
  ): DeciderSpecification<Command, Event, Context> {
    return {
      given(givenEvents) {
        const history = asArray(givenEvents);
        return {
          when(command, context) {
            const run = (): readonly Event[] => {
              const state = history.reduce(decider.evolve, decider.initialState());
              return asArray(decider.decide(command, state, (context ?? decider.context) as Context));
            };
            return {
              then(expected) {
                expect(run()).toEqual(asArray(expected));
              },
              thenNothingHappened() {
                expect(run()).toEqual([]);
              },
              thenThrows(check, predicate) {
                let events: readonly Event[];
                try {
                  events = run();
                } catch (error) {
                  assertThrown(error, check as ErrorCheck | undefined, predicate as ((e: Error) => boolean) | undefined);
                  return;
                }
                throw new Error(`Expected decide to throw, but it returned ${show(events)}`);
              },
            };
          },
        };
      },
    };
  },
};

function assertThrown(error: unknown, check?: ErrorCheck, predicate?: (error: Error) => boolean): void {
  if (check === undefined) return;
  if (isErrorClass(check)) {
    if (!(error instanceof check)) throw new Error(`Expected decide to throw a ${check.name}, but it threw ${show(error)}`);
    if (predicate && !predicate(error)) throw new Error(`The error thrown did not match the condition: ${show(error)}`);
    return;
  }
  if (!check(error as Error)) throw new Error(`The error thrown did not match the condition: ${show(error)}`);
}

/** Error classes have a prototype that is, or inherits from, Error.prototype; arrow-function predicates have none. */
function isErrorClass(check: ErrorCheck): check is abstract new (...args: never[]) => Error {
  return typeof check === 'function' && (check.prototype === Error.prototype || check.prototype instanceof Error);
}
