/** Kryo registration of the classes Spark serializes for Lockstep. */
package io.lockstep.spark.kryo;
