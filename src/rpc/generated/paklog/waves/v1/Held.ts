// Original file: paklog/waves/v1/waves.proto


/**
 * The order is held out of planning until its changed lines are allocated.
 */
export interface Held {
}

/**
 * The order is held out of planning until its changed lines are allocated.
 */
export interface Held__Output {
}
