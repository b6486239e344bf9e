/**
 * Measurements across JVMs, run by {@code modules/lockstep-dist/cluster-bench.sh} on the local standalone cluster:
 * the coordinator's round trips between executor JVMs and the driver ({@link ClusterRoundTrips}), and DL4J's own
 * {@code fit()} on one JVM as the reference for Lockstep's step time ({@link Dl4jFitTiming}). Not part of training:
 * they ship in the application jar only so that spark-submit can run them on the cluster's executors.
 */
package io.lockstep.dist.bench;
