package io.lockstep.bench;

/** One evaluation of the full test set during a run: after {@code steps} training steps and {@code trainSeconds}. */
record AccuracyPoint(long steps, double trainSeconds, double accuracy) {
}
