package metrics

import "github.com/prometheus/client_golang/prometheus"

// MailCounts are a mail worker's counters since it started (mail.Stats,
// converted by the caller so this package need not import the mail
// package).
type MailCounts struct {
	Sent, Failed, Interrupted, Abandoned uint64
}

// mailDescs are the mail worker's counters: name, help, and the field of
// MailCounts each reads.
var mailDescs = []struct {
	desc *prometheus.Desc
	read func(MailCounts) uint64
}{
	{prometheus.NewDesc("gatehouse_mail_sent_total",
		"Mails delivered and recorded as sent.", nil, nil),
		func(c MailCounts) uint64 { return c.Sent }},
	{prometheus.NewDesc("gatehouse_mail_failed_attempts_total",
		"Delivery attempts that failed; each mail is retried until delivered.", nil, nil),
		func(c MailCounts) uint64 { return c.Failed }},
	{prometheus.NewDesc("gatehouse_mail_interrupted_total",
		"Mails retried after an attempt whose outcome was never recorded (its worker died or lost its claim mid-send): "+
			"that attempt may have been delivered, so the retry may be a duplicate, with the same Message-ID.", nil, nil),
		func(c MailCounts) uint64 { return c.Interrupted }},
	{prometheus.NewDesc("gatehouse_mail_abandoned_total",
		"Attempts not started or cut off because this worker's claim on the mail was lost or could not be renewed in time.", nil, nil),
		func(c MailCounts) uint64 { return c.Abandoned }},
}

// mailCollector reads the counters at every scrape.
type mailCollector struct{ counts func() MailCounts }

func (c mailCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range mailDescs {
		ch <- d.desc
	}
}

func (c mailCollector) Collect(ch chan<- prometheus.Metric) {
	counts := c.counts()
	for _, d := range mailDescs {
		ch <- prometheus.MustNewConstMetric(d.desc, prometheus.CounterValue, float64(d.read(counts)))
	}
}

// WatchMail publishes the mail worker's counters, read from counts at
// every scrape. Call it once per Metrics.
func (m *Metrics) WatchMail(counts func() MailCounts) {
	m.reg.MustRegister(mailCollector{counts: counts})
}
