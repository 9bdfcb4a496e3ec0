import type { Dispatcher } from 'undici';

export interface SentOpaque {
  onSent: () => void;
}

/**
 * Tells the rate limiter when a request was actually written to the socket (after any TCP/TLS
 * handshake), which is close to when the server starts counting it. undici passes the request
 * options, including `opaque`, to interceptors; handler methods are forwarded unchanged.
 */
export const notifySentInterceptor: Dispatcher.DispatcherComposeInterceptor =
  (dispatch) => (opts, handler) => {
    const onSent = (opts as { opaque?: Partial<SentOpaque> }).opaque?.onSent;
    if (!onSent) return dispatch(opts, handler);
    const notifying = new Proxy(handler, {
      get(target, property) {
        if (property === 'onRequestSent') {
          return () => {
            onSent();
            return target.onRequestSent?.();
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return dispatch(opts, notifying);
  };
