:input;type filter hook input priority 0
*ip;test-ip4;input
*ip6;test-ip6;input
*inet;test-inet;input
ah hdrlength 11-23;ok
ah hdrlength != 11-23;ok
ah hdrlength { 11-23};ok
ah hdrlength != { 11-23};ok
ah hdrlength {11, 23, 44 };ok
ah hdrlength != {11, 23, 44 };ok
ah reserved 22;ok
ah reserved != 233;ok
ah reserved 33-45;ok
ah reserved != 33-45;ok
ah reserved {23, 100};ok
ah reserved != {23, 100};ok
ah reserved { 33-55};ok
ah reserved != { 33-55};ok
ah spi 111;ok
ah spi != 111;ok
ah spi 111-222;ok
ah spi != 111-222;ok
ah spi {111, 122};ok
ah spi != {111, 122};ok
ah spi { 111-122};ok
ah spi != { 111-122};ok
ah sequence 123;ok
ah sequence != 123;ok
ah sequence {23, 25, 33};ok
ah sequence != {23, 25, 33};ok
ah sequence { 23-33};ok
ah sequence != { 23-33};ok
ah sequence 23-33;ok
ah sequence != 23-33;ok
