/** Numerically safe statistics shared by batch norm and the driver: per-channel moments and their merge. */
package io.lockstep.math;
