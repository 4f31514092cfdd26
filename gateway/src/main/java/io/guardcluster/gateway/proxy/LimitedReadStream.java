package io.guardcluster.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body of unknown length (chunked) that fails once it passes the size limit, so the
 * proxy aborts the upstream request instead of streaming an unbounded body through.
 */
final class LimitedReadStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> delegate;
    private final long limit;
    private long seen;
    private Handler<Throwable> exceptionHandler;
    private boolean failed;

    LimitedReadStream(ReadStream<Buffer> delegate, long limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        delegate.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            delegate.handler(null);
            return this;
        }
        delegate.handler(buffer -> {
            if (failed) {
                return;
            }
            seen += buffer.length();
            if (seen > limit) {
                failed = true;
                delegate.pause();
                if (exceptionHandler != null) {
                    exceptionHandler.handle(new IllegalStateException("request body exceeds " + limit + " bytes"));
                }
                return;
            }
            handler.handle(buffer);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        delegate.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        if (!failed) {
            delegate.resume();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        delegate.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        delegate.endHandler(endHandler);
        return this;
    }
}
