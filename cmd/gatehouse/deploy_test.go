package main

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// deployGuide is the multi-node guide whose nginx configuration
// TestDeployGuideNginx runs, relative to this package.
const deployGuide = "../../docs/deploy.md"

// nginxBlock extracts the guide's ```nginx block.
func nginxBlock(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(deployGuide)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```nginx\n(.*?)```").FindAllSubmatch(doc, -1)
	if len(m) != 1 {
		t.Fatalf("%s has %d nginx blocks, want exactly 1", deployGuide, len(m))
	}
	return string(m[0][1])
}

// nginxPath finds nginx. CI installs it and sets GATEHOUSE_TEST_NGINX=1,
// which turns a missing nginx into a failure instead of a skip.
func nginxPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("GATEHOUSE_TEST_NGINX") == "1" {
		t.Fatal("GATEHOUSE_TEST_NGINX=1 but nginx is not installed (apt-get install nginx-light)")
	}
	t.Skip("nginx is not installed; set GATEHOUSE_TEST_NGINX=1 to require it")
	return ""
}

// freePort returns a TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startNginx runs nginx in the foreground with the guide's block, its
// upstream servers replaced by nodes and its listen address by a free
// port, and returns its base URL.
func startNginx(t *testing.T, block string, nodes []*testServer) string {
	t.Helper()
	bin := nginxPath(t)
	servers := regexp.MustCompile(`(?m)^(\s*)server 127\.0\.0\.1:\d+;\n`)
	if n := len(servers.FindAllString(block, -1)); n != len(nodes) {
		t.Fatalf("the guide's upstream lists %d servers, want %d", n, len(nodes))
	}
	i := 0
	block = servers.ReplaceAllStringFunc(block, func(line string) string {
		u, err := url.Parse(nodes[i].URL)
		if err != nil {
			t.Fatal(err)
		}
		i++
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		return indent + "server " + u.Host + ";\n"
	})
	port := freePort(t)
	if !strings.Contains(block, "listen 80;") {
		t.Fatal("the guide's server block does not `listen 80;`")
	}
	block = strings.Replace(block, "listen 80;", "listen 127.0.0.1:"+strconv.Itoa(port)+";", 1)

	dir := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/gatehouse.conf;
}
`, dir)
	for name, body := range map[string]string{"nginx.conf": conf, "gatehouse.conf": block} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	// A file, not a pipe: nginx's worker inherits it, and a pipe would
	// keep Wait waiting for a worker that outlives a killed master.
	out, err := os.Create(filepath.Join(dir, "output.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	logs := func() string {
		o, _ := os.ReadFile(filepath.Join(dir, "output.log"))
		e, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return "nginx output:\n" + string(o) + "\nnginx error log:\n" + string(e)
	}
	t.Cleanup(func() {
		// SIGTERM: nginx's fast shutdown, which stops its workers too.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("nginx did not stop on SIGTERM")
		}
		if t.Failed() {
			t.Log(logs())
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("nginx exited: %v\n%s", err, logs())
		default:
		}
		if res, err := http.Get(base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not answer in time\n%s", logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDeployGuideNginx runs docs/deploy.md's nginx configuration in front
// of two nodes on one PostgreSQL database, as the guide tells users to:
// requests reach both nodes, the realtime stream flows through it, and
// client IPs are the real ones, whatever a client claims.
func TestDeployGuideNginx(t *testing.T) {
	postgresDSN(t)
	block := nginxBlock(t)
	nginxPath(t)
	nodes := startNodes(t, 2, nodeOpts{
		DB:   freshPostgres(t),
		YAML: "security:\n  rate_limits:\n    login:\n      per_ip: 4/1m\n",
		Env:  map[string]string{"GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1"},
	})
	lb := &testServer{URL: startNginx(t, block, nodes)}

	// Round robin: a run of requests reaches both nodes.
	const probe = "/api/deploy-guide-probe"
	for range 6 {
		lb.do(t, "GET", probe, nil, "X-Forwarded-For", "203.0.113.7").want(t, 404)
	}
	for i, n := range nodes {
		logs := n.stderr.String()
		if got := strings.Count(logs, probe); got == 0 {
			t.Errorf("node %d served none of the requests through nginx", i)
		}
		// The spoofed header was replaced: the nodes saw nginx's peer.
		if strings.Contains(logs, "203.0.113.7") {
			t.Errorf("node %d took the client's own X-Forwarded-For as its IP", i)
		}
	}

	// The popup flow's three requests through the balancer, so they land
	// on different nodes; the event still arrives on the stream.
	rt := openRealtimeOn(t, lb)
	for range 2 { // both nodes take the subscription's path at least once
		lb.do(t, "POST", "/api/realtime", map[string]any{"clientId": rt.clientID, "subscriptions": []string{"@oauth2"}}).want(t, 204)
	}
	lb.do(t, "GET", "/api/oauth2-redirect?code=via-nginx&state="+url.QueryEscape(rt.clientID), nil).want(t, 200)
	wantEvent(t, rt.next(t), map[string]string{"state": rt.clientID, "code": "via-nginx"})
	lb.do(t, "GET", "/api/oauth2-redirect?code=again&state="+url.QueryEscape(rt.clientID), nil).want(t, 200)
	wantEvent(t, rt.next(t), map[string]string{"state": rt.clientID, "code": "again"})

	// One client, spread over both nodes and claiming a new IP each
	// time, still meets the per-IP limit of 4 logins a minute.
	awayFromBoundary(time.Minute, 15*time.Second)
	for i := range 4 {
		r := lb.loginAs(t, "nobody@example.com", "pw", "X-Forwarded-For", "198.51.100."+strconv.Itoa(i+1))
		if r.Status == 429 {
			t.Fatalf("login %d refused early: %s", i+1, r.Raw)
		}
	}
	r := lb.loginAs(t, "nobody@example.com", "pw", "X-Forwarded-For", "198.51.100.99")
	checkAPIError(t, "fifth login through nginx", r, 429, "")
}
