/**
 * Integration tests of what runs on a real cluster: the application jar (its content against the Spark home it runs
 * with), and Lockstep across JVMs on a local standalone cluster started by deploy/standalone.sh and submitted to by
 * deploy/submit.sh. They run in the verify phase (failsafe), after the package phase built the jar and the Spark home.
 */
package io.lockstep.dist;
