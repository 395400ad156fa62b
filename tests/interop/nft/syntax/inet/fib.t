:prerouting;type filter hook prerouting priority 0
*ip;test-ip;prerouting
*ip6;test-ip6;prerouting
fib saddr . iif oif ne 0;ok
fib saddr . iif oifname "lo";ok
fib daddr . iif type local;ok
fib daddr . iif type vmap { blackhole : drop, prohibit : drop, unicast : accept };ok
fib daddr check missing;ok
fib daddr oif exists;ok
fib daddr check vmap { missing : drop, exists : accept };ok
