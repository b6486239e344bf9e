/** DL4J networks as Lockstep sees them: one adapter over both network types and the flat parameter layout. */
package io.lockstep.model;
