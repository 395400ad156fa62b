:postrouting;type nat hook postrouting priority 0
*ip;test-ip4;postrouting
udp dport 53 masquerade;ok
udp dport 53 masquerade random;ok
udp dport 53 masquerade random,persistent;ok
udp dport 53 masquerade random,persistent,fully-random;ok
udp dport 53 masquerade random,fully-random;ok
udp dport 53 masquerade random,fully-random,persistent;ok
udp dport 53 masquerade persistent;ok
udp dport 53 masquerade persistent,random;ok
udp dport 53 masquerade persistent,random,fully-random;ok
udp dport 53 masquerade persistent,fully-random;ok
udp dport 53 masquerade persistent,fully-random,random;ok
tcp dport { 1,2,3,4,5,6,7,8,101,202,303,1001,2002,3003} masquerade;ok
ip daddr 10.0.0.0-10.2.3.4 udp dport 53 counter packets 0 bytes 0 masquerade;ok
iifname eth0 ct state new,established tcp dport vmap {22 : drop, 222 : drop } masquerade;ok
