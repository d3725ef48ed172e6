package safetest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"
)

// A Server is an in-memory Bitwarden-compatible server listening on a
// loopback port, in the manner of net/http/httptest.Server. It is safe for
// concurrent use: the store is guarded by one mutex, and the seeding
// methods may be called while clients talk to the server.
type Server struct {
	// URL is the base URL of the server, of the form https://127.0.0.1:port
	// (http:// after Start). Clients derive URL+"/api", URL+"/identity" and
	// URL+"/events" from it, as for a self-hosted server. It is empty until
	// the server is started.
	URL string

	cfg     config
	ts      *httptest.Server
	handler http.Handler
	jwtKey  []byte

	mu      sync.Mutex
	st      *store
	keys    keyring
	faults  []*faultRec
	started bool

	// spare is a response buffer kept for the next large answer (see
	// Server.buffer), guarded by bufMu.
	bufMu sync.Mutex
	spare []byte
}

// NewServer starts and returns a new TLS Server: the official CLI refuses
// plain http URLs since 2025. The caller should call Close when finished.
// It panics if the server cannot listen, like httptest.NewServer.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.StartTLS()
	return s
}

// NewUnstartedServer returns a new Server that is not yet listening. Seed
// it, then call Start (plain HTTP, for Go clients) or StartTLS.
func NewUnstartedServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{cfg: cfg, st: newStore(), keys: newKeyring()}
	s.jwtKey = make([]byte, 32)
	_, _ = rand.Read(s.jwtKey)
	s.handler = s.newHandler()
	s.ts = httptest.NewUnstartedServer(s.handler)
	// net/http's own errors (TLS handshake failures, for example) go where
	// the request lines go, never to the process's standard logger.
	s.ts.Config.ErrorLog = log.New(logfWriter(cfg.logf), "", 0)
	if cfg.listener != nil {
		s.ts.Listener.Close()
		s.ts.Listener = cfg.listener
	}
	return s
}

// Start starts the server on plain HTTP. It panics if the server was
// already started.
func (s *Server) Start() {
	s.markStarted()
	s.ts.Start()
	s.URL = s.ts.URL
}

// StartTLS starts the server on HTTPS with a certificate made for it (valid
// for 127.0.0.1, ::1 and localhost). It panics if the server was already
// started or the certificate cannot be made.
func (s *Server) StartTLS() {
	s.markStarted()
	cert, err := newCertificate()
	if err != nil {
		panic("safetest: " + err.Error())
	}
	s.ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.ts.StartTLS()
	s.URL = s.ts.URL
}

func (s *Server) markStarted() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		panic("safetest: server already started")
	}
	s.started = true
}

// Close shuts the server down and blocks until all outstanding requests
// have completed.
func (s *Server) Close() { s.ts.Close() }

// CloseClientConnections closes every open client connection, to test
// what a client does when its connection drops.
func (s *Server) CloseClientConnections() { s.ts.CloseClientConnections() }

// Client returns an HTTP client configured for requests to the server: it
// trusts the server's certificate and closes its idle connections on
// Close.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Certificate returns the server's certificate, or nil if it is not using
// TLS.
func (s *Server) Certificate() *x509.Certificate { return s.ts.Certificate() }

// CertificatePEM returns the server's certificate in PEM form, or nil if it
// is not using TLS.
func (s *Server) CertificatePEM() []byte {
	c := s.Certificate()
	if c == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// WriteCertificatePEM writes the server's certificate to path in PEM form,
// for Node.js clients such as the official CLI:
// NODE_EXTRA_CA_CERTS=path.
func (s *Server) WriteCertificatePEM(path string) error {
	b := s.CertificatePEM()
	if b == nil {
		return errors.New("safetest: server is not using TLS")
	}
	return os.WriteFile(path, b, 0o644)
}

// Generation returns the generation the server imitates.
func (s *Server) Generation() Generation { return s.cfg.gen }

func (s *Server) now() time.Time { return s.cfg.now() }

// newCertificate makes a self-signed ECDSA certificate for the loopback
// addresses. It is its own CA, so Node.js accepts it as an extra CA.
func newCertificate() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"safetest"}, CommonName: "safetest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// ServeHTTP serves one request, exactly as the listening server does, so
// a Server can also be mounted in another mux or driven with
// httptest.NewRecorder.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// newHandler builds the middleware chain: faults, body cap, request hook,
// logging, then the routes.
func (s *Server) newHandler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w}
		defer func() {
			if s.cfg.logf != nil {
				s.cfg.logf("safetest: %s %s -> %d", r.Method, r.URL.Path, rec.status())
			}
		}()
		if s.applyFault(rec, r) {
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(rec, r.Body, s.cfg.maxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeError(rec, &apiError{status: http.StatusRequestEntityTooLarge, message: msgBodyTooLarge})
				return
			}
			writeError(rec, errBadRequest("Unreadable request body."))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if s.cfg.hook != nil {
			s.cfg.hook(r, body)
		}
		mux.ServeHTTP(rec, r)
	})
}

// statusWriter remembers the status code for logging and still lets the
// fault injector hijack the connection.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logfWriter turns the lines a log.Logger writes into calls of logf, or
// discards them when logf is nil.
func logfWriter(logf func(format string, args ...any)) io.Writer {
	if logf == nil {
		return io.Discard
	}
	return writerFunc(func(p []byte) (int, error) {
		logf("safetest: %s", bytes.TrimRight(p, "\n"))
		return len(p), nil
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
