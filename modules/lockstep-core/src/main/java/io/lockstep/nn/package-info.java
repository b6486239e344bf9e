/**
 * Synchronized batch normalization as a DL4J layer: the configuration ({@link io.lockstep.nn.SyncBatchNormalization}),
 * the implementation ({@link io.lockstep.nn.SyncBatchNormLayer}), the modes ({@link io.lockstep.nn.SyncMode}) and
 * the runtime hook that makes its statistics global ({@link io.lockstep.nn.BatchNormSync}).
 */
package io.lockstep.nn;
