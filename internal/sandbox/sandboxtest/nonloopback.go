package sandboxtest

import (
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// NonLoopbackListener serves HTTP on a non-loopback IPv4 address of this
// machine, where no sandbox runs, and counts the requests it receives:
// tests of the TLS rule point an http:// base URL at it to prove that
// nothing, least of all the API key, is sent. It is closed by tb.Cleanup.
func NonLoopbackListener(tb testing.TB) (addr string, requests *atomic.Int64) {
	tb.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		tb.Fatal(err)
	}
	var host string
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok && !ipnet.IP.IsLoopback() && ipnet.IP.To4() != nil {
			host = ipnet.IP.String()
			break
		}
	}
	if host == "" {
		tb.Fatalf("this machine has no non-loopback IPv4 address to listen on (addresses: %v)", addrs)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		tb.Fatal(err)
	}
	requests = new(atomic.Int64)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}), ReadHeaderTimeout: time.Minute}
	go func() { _ = srv.Serve(ln) }() // ends with ErrServerClosed at cleanup
	tb.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), requests
}
