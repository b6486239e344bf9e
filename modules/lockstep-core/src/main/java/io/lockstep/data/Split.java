package io.lockstep.data;

/** Which part of a dataset: the training set or the held-out test set. */
public enum Split {
    TRAIN,
    TEST
}
