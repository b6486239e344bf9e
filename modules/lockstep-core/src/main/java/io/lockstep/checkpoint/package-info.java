/** Atomic, verified checkpoints of the driver's model and run state on any Hadoop file system. */
package io.lockstep.checkpoint;
