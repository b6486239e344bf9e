/** Worker replicas and the in-process data-parallel runner (threads instead of Spark tasks). */
package io.lockstep.runner;
