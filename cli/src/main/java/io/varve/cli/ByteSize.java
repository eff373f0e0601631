package io.varve.cli;

import picocli.CommandLine;

import java.util.Locale;

/**
 * Parses sizes such as {@code 64}, {@code 4k}, {@code 64m} or {@code 1g} (powers of 1024).
 * <p>
 * Threading: stateless.
 */
final class ByteSize implements CommandLine.ITypeConverter<Long>
{
    public Long convert(final String value)
    {
        return parse(value);
    }

    static long parse(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.isEmpty())
        {
            throw new CommandLine.TypeConversionException("empty size");
        }
        final char unit = text.charAt(text.length() - 1);
        final int shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : 0;
        final String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        try
        {
            final long number = Long.parseLong(digits);
            if (number < 0 || number > (Long.MAX_VALUE >> shift))
            {
                throw new CommandLine.TypeConversionException("size out of range: " + value);
            }
            return number << shift;
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("not a size: '" + value + "' (use e.g. 64, 4k, 64m, 1g)");
        }
    }

    /**
     * Format a size as {@link #parse} reads it, in the largest unit that divides it.
     *
     * @param bytes to format.
     * @return e.g. {@code 64k} or {@code 1g}.
     */
    static String format(final long bytes)
    {
        if (bytes != 0 && (bytes & ((1L << 30) - 1)) == 0)
        {
            return (bytes >> 30) + "g";
        }
        if (bytes != 0 && (bytes & ((1L << 20) - 1)) == 0)
        {
            return (bytes >> 20) + "m";
        }
        if (bytes != 0 && (bytes & ((1L << 10) - 1)) == 0)
        {
            return (bytes >> 10) + "k";
        }
        return Long.toString(bytes);
    }
}
