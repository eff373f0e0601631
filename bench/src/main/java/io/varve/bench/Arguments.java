package io.varve.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Command-line options of the form {@code --name=value} or {@code --flag}, for the suite and its child JVMs.
 * <p>
 * Threading: NOT threadsafe; parse once, read from one thread.
 */
public final class Arguments
{
    private final Map<String, String> values = new HashMap<>();

    /**
     * Parse options.
     *
     * @param args from {@code main}.
     * @throws IllegalArgumentException for anything that is not an option.
     */
    public Arguments(final String[] args)
    {
        for (final String arg : args)
        {
            if (!arg.startsWith("--"))
            {
                throw new IllegalArgumentException("expected --name=value or --flag: arg=" + arg);
            }
            final int equals = arg.indexOf('=');
            if (equals < 0)
            {
                values.put(arg.substring(2), "true");
            }
            else
            {
                values.put(arg.substring(2, equals), arg.substring(equals + 1));
            }
        }
    }

    /**
     * Whether an option was given.
     *
     * @param name of the option.
     * @return true when present.
     */
    public boolean has(final String name)
    {
        return values.containsKey(name);
    }

    /**
     * A string option.
     *
     * @param name         of the option.
     * @param defaultValue when absent, or null to require it.
     * @return the value.
     */
    public String get(final String name, final String defaultValue)
    {
        final String value = values.getOrDefault(name, defaultValue);
        if (value == null)
        {
            throw new IllegalArgumentException("missing option: --" + name);
        }
        return value;
    }

    /**
     * A whole-number option.
     *
     * @param name         of the option.
     * @param defaultValue when absent.
     * @return the value.
     */
    public long getLong(final String name, final long defaultValue)
    {
        return has(name) ? Long.parseLong(values.get(name)) : defaultValue;
    }

    /**
     * A decimal option.
     *
     * @param name         of the option.
     * @param defaultValue when absent.
     * @return the value.
     */
    public double getDouble(final String name, final double defaultValue)
    {
        return has(name) ? Double.parseDouble(values.get(name)) : defaultValue;
    }
}
