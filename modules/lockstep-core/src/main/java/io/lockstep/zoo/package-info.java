/** Standard networks built with {@link io.lockstep.nn.SyncBatchNormalization}. */
package io.lockstep.zoo;
