/**
 * Operating Varve on a host: {@link io.varve.tuning.TuningProfile tuning profiles} applied to the journal's and
 * ring's contexts, optional {@link io.varve.tuning.ThreadPinning thread pinning} with OpenHFT's affinity library,
 * and a {@link io.varve.tuning.HostCheck check of the host} ({@code varve tune check}).
 */
package io.varve.tuning;
