:input;type filter hook input priority 0
*inet;test-inet;input
meta nfproto ipv4 ct original saddr 1.2.3.4;ok
ct original ip6 saddr ::1;ok
