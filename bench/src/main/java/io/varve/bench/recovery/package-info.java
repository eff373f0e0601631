/**
 * Recovery and verification: time to open a 1 GiB journal after a clean close and after a SIGKILL of its writer,
 * and the scan speed of a full verification, measured in fresh child JVMs as a restarting process sees them.
 */
package io.varve.bench.recovery;
