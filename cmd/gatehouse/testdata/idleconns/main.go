// Command idleconns measures what idle keep-alive connections cost a
// running Gatehouse server (issue 16): it reads the server's VmRSS, opens
// -conns connections, sends one request on each and keeps them open and
// idle, waits -hold, reads VmRSS again, and reports the difference, how
// many of its connections the server kept open (http.max_idle_conns
// closes the longest-idle ones past its cap) and whether a new connection
// is still served.
//
// The connections come from -per-ip addresses each of 127.0.0.0/8 (all
// loopback on Linux), so http.max_conns_per_ip (128) stays on. Linux
// only (VmRSS from /proc).
//
//	go run ./cmd/gatehouse/testdata/idleconns -addr 127.0.0.1:8090 -pid $(pgrep -f 'gatehouse serve')
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "the server's address (loopback)")
	pid := flag.Int("pid", 0, "the server's process id (its VmRSS is read)")
	n := flag.Int("conns", 2000, "idle keep-alive connections to open")
	perIP := flag.Int("per-ip", 100, "connections from each source address (keep it under http.max_conns_per_ip)")
	hold := flag.Duration("hold", 5*time.Second, "how long the connections stay idle before VmRSS is read")
	flag.Parse()
	if err := measure(*addr, *pid, *n, *perIP, *hold); err != nil {
		fmt.Fprintln(os.Stderr, "idleconns:", err)
		os.Exit(1)
	}
}

func measure(addr string, pid, n, perIP int, hold time.Duration) error {
	before, err := vmRSS(pid)
	if err != nil {
		return err
	}
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		src := i / perIP
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+src/250), byte(1+src%250))}}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /api/health HTTP/1.1\r\nHost: gatehouse\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	time.Sleep(hold)
	after, err := vmRSS(pid)
	if err != nil {
		return err
	}
	open := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(time.Millisecond))
		var ne net.Error
		if _, err := c.Read(make([]byte, 1)); errors.As(err, &ne) && ne.Timeout() {
			open++
		}
	}
	status := 0
	if res, err := http.Get("http://" + addr + "/api/health"); err == nil {
		status = res.StatusCode
		res.Body.Close()
	}
	fmt.Printf("%d idle connections: VmRSS %.1f -> %.1f MB (+%.1f MB, %.1f KB each); %d still open; a new connection got %d\n",
		len(conns), float64(before)/1000, float64(after)/1000, float64(after-before)/1000,
		float64(after-before)/float64(len(conns)), open, status)
	return nil
}

// vmRSS is the VmRSS of process pid, in kB.
func vmRSS(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, errors.New("no VmRSS")
}
