set terminal pngcairo size 1400,560 font 'Sans,11'
set output 'chart.png'
set multiplot layout 1,2 title 'Appliance vs Janus, SRTP GCM (AMD EPYC, 2 cores, SFU on one core)'
set grid
set key top left
set xlabel 'forwarded packets per second (thousands)'
set ylabel 'SFU CPU, % of one core'
set yrange [0:*]
plot 'chart.dat' index 0 using 1:2 with linespoints lc rgb '#1f77b4' pt 7 ps 1.3 title 'appliance W1', 'chart.dat' index 1 using 1:2 with linespoints lc rgb '#1f77b4' pt 5 ps 1.3 title 'appliance W2', 'chart.dat' index 2 using 1:2 with linespoints lc rgb '#1f77b4' pt 9 ps 1.3 title 'appliance W3', 'chart.dat' index 3 using 1:2 with linespoints lc rgb '#1f77b4' pt 13 ps 1.3 title 'appliance W4', 'chart.dat' index 4 using 1:2 with linespoints lc rgb '#d62728' pt 7 ps 1.3 title 'janus W1', 'chart.dat' index 5 using 1:2 with linespoints lc rgb '#d62728' pt 5 ps 1.3 title 'janus W2', 'chart.dat' index 6 using 1:2 with linespoints lc rgb '#d62728' pt 9 ps 1.3 title 'janus W3', 'chart.dat' index 7 using 1:2 with linespoints lc rgb '#d62728' pt 13 ps 1.3 title 'janus W4'
set xlabel 'listeners (W3, W4 ramps)'
set ylabel 'p99 added latency, ms'
set logscale y
set yrange [*:*]
plot 'chart.dat' index 2 using 3:4 with linespoints lc rgb '#1f77b4' pt 9 ps 1.3 title 'appliance W3', 'chart.dat' index 3 using 3:4 with linespoints lc rgb '#1f77b4' pt 13 ps 1.3 title 'appliance W4', 'chart.dat' index 6 using 3:4 with linespoints lc rgb '#d62728' pt 9 ps 1.3 title 'janus W3', 'chart.dat' index 7 using 3:4 with linespoints lc rgb '#d62728' pt 13 ps 1.3 title 'janus W4'
unset multiplot