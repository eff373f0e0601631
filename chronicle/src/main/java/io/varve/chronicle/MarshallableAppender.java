package io.varve.chronicle;

import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.WriteBytesMarshallable;

import java.nio.BufferOverflowException;

/**
 * Encodes a chronicle-bytes {@link WriteBytesMarshallable} straight into a record of an {@link Appender}: it claims
 * {@link #maxEncodedLength()} bytes in the mapped segment, points one reused chronicle-bytes view at the claim, lets
 * the marshallable write itself there and commits what it wrote ({@link RecordClaim#commit(int)}). No intermediate
 * copy, nothing allocated per record; the claim's unused slack is zeroed, so keep the bound tight.
 * <pre>{@code
 * final MarshallableAppender out = new MarshallableAppender(journal.appender(), 256);
 * out.append(order, ORDER_TYPE);                    // order implements BytesMarshallable
 * }</pre>
 * The marshallable decides the encoding, exactly as it does in a Chronicle Queue excerpt written with
 * {@code ExcerptAppender.writeBytes}: the record's payload is the bytes {@code writeMarshallable} wrote.
 * <p>
 * Threading: NOT threadsafe; belongs to the appender's thread, as the appender does.
 */
public final class MarshallableAppender
{
    private final Appender appender;
    private final int maxEncodedLength;
    private final BytesView view = new BytesView();

    /**
     * An encoder in front of an appender.
     *
     * @param appender         the journal's appender.
     * @param maxEncodedLength the largest encoding of any marshallable appended, claimed for each record.
     */
    public MarshallableAppender(final Appender appender, final int maxEncodedLength)
    {
        if (maxEncodedLength < 0 || maxEncodedLength > appender.maxRecordLength())
        {
            throw new IllegalArgumentException("maxEncodedLength must be 0 to the journal's maxRecordLength: " +
                "maxEncodedLength=" + maxEncodedLength + " maxRecordLength=" + appender.maxRecordLength());
        }
        this.appender = appender;
        this.maxEncodedLength = maxEncodedLength;
    }

    /**
     * Encode a marshallable into a new record.
     *
     * @param marshallable to encode.
     * @param type         record type, 0 or more.
     * @return the record's position.
     * @throws IllegalArgumentException when the encoding is longer than {@link #maxEncodedLength()}; nothing is
     *                                  appended then.
     */
    public long append(final WriteBytesMarshallable marshallable, final int type)
    {
        final RecordClaim claim = appender.claim(maxEncodedLength, type);
        final Bytes<Void> bytes = view.forWrite(claim.buffer().addressOffset(), maxEncodedLength);
        try
        {
            marshallable.writeMarshallable(bytes);
        }
        catch (final BufferOverflowException | IllegalArgumentException ex)
        {
            claim.abort();
            throw new IllegalArgumentException("encoding is longer than maxEncodedLength=" + maxEncodedLength +
                ": " + marshallable.getClass().getName(), ex);
        }
        catch (final RuntimeException | Error ex)
        {
            claim.abort();
            throw ex;
        }
        return claim.commit((int)bytes.writePosition());
    }

    /**
     * Bytes claimed for each record: the longest encoding this appender takes.
     *
     * @return bytes.
     */
    public int maxEncodedLength()
    {
        return maxEncodedLength;
    }
}
