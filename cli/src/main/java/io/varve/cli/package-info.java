/**
 * The {@code varve} command. Each subcommand is a picocli command whose work runs against a
 * {@link java.io.PrintStream} and returns an exit code, so tests call it directly: 0 when all is well, 1 when it
 * found a problem, 2 for a usage or I/O error.
 */
package io.varve.cli;
