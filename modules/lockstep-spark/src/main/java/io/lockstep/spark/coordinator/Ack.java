package io.lockstep.spark.coordinator;

/** The coordinator's answer to a contribution whose rank does not wait for the result. */
public enum Ack {
    /** The contribution was accepted into its round. */
    ACCEPTED
}
