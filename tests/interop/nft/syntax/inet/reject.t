:input;type filter hook input priority 0
*inet;test-inet;input
reject with icmp host-unreachable;ok
reject with icmp net-unreachable;ok
reject with icmp prot-unreachable;ok
reject with icmp port-unreachable;ok
reject with icmp net-prohibited;ok
reject with icmp host-prohibited;ok
reject with icmp admin-prohibited;ok
reject with icmpv6 no-route;ok
reject with icmpv6 admin-prohibited;ok
reject with icmpv6 addr-unreachable;ok
reject with icmpv6 port-unreachable;ok
mark 12345 reject with tcp reset;ok
reject;ok
meta nfproto ipv4 reject;ok
meta nfproto ipv6 reject;ok
reject with icmpx host-unreachable;ok
reject with icmpx no-route;ok
reject with icmpx admin-prohibited;ok
reject with icmpx port-unreachable;ok
reject with icmpx 3;ok
meta nfproto ipv4 reject with icmp host-unreachable;ok
meta nfproto ipv6 reject with icmpv6 no-route;ok
meta nfproto ipv4 reject with icmpx admin-prohibited;ok
meta nfproto ipv6 reject with icmpx admin-prohibited;ok
