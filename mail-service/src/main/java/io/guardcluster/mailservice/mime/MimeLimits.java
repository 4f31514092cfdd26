package io.guardcluster.mailservice.mime;

/**
 * Bounds on what {@link MimeParser} accepts, so that a hostile message costs bounded memory and time. A message that
 * exceeds one is refused as a whole with a {@link MimeFormatException}; nothing is silently cut.
 *
 * @param maxTotalSize   the largest message, in bytes (the parser holds it in memory once, and parts are views of it)
 * @param maxDepth       how deeply multiparts may nest (a single-part message has depth 0, a multipart's parts 1)
 * @param maxParts       the most MIME entities in the whole tree, the message itself included
 * @param maxHeaderBytes the largest header section of one entity, in bytes (also the bound on one header field)
 */
public record MimeLimits(long maxTotalSize, int maxDepth, int maxParts, int maxHeaderBytes) {

    /**
     * Generous for real mail: 64 MiB, 16 levels (real clients rarely exceed 5), 1000 parts, 256 KiB of header per
     * entity (long Received chains and DKIM signatures stay far below).
     */
    public static final MimeLimits DEFAULT = new MimeLimits(64L << 20, 16, 1000, 256 << 10);

    public MimeLimits {
        if (maxTotalSize < 1 || maxTotalSize > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxTotalSize must be between 1 and 2 GiB");
        }
        if (maxDepth < 0 || maxParts < 1 || maxHeaderBytes < 64) {
            throw new IllegalArgumentException("maxDepth >= 0, maxParts >= 1, maxHeaderBytes >= 64");
        }
    }

    public MimeLimits withMaxTotalSize(long bytes) {
        return new MimeLimits(bytes, maxDepth, maxParts, maxHeaderBytes);
    }

    public MimeLimits withMaxDepth(int depth) {
        return new MimeLimits(maxTotalSize, depth, maxParts, maxHeaderBytes);
    }

    public MimeLimits withMaxParts(int parts) {
        return new MimeLimits(maxTotalSize, maxDepth, parts, maxHeaderBytes);
    }

    public MimeLimits withMaxHeaderBytes(int bytes) {
        return new MimeLimits(maxTotalSize, maxDepth, maxParts, bytes);
    }
}
