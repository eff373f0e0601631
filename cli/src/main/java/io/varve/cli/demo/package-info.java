/**
 * The trading example that {@code varve demo} runs end to end: order and fill events encoded with fixed-layout
 * flyweights over Agrona buffers (no object per event), producer threads that publish them through the journal
 * ring, and the portfolio that a tailer rebuilds from the journal.
 */
package io.varve.cli.demo;
