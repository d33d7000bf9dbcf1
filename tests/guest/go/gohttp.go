// SPDX-License-Identifier: MIT
// gohttp: a Go net/http server for the network lab test (tests/guest/net-xen.sh), static (CGO_ENABLED=0).
//
// It serves "/" (a line with the request count) and "/work" (100 goroutines with timers,
// their sum), fetches its own "/" over loopback with net/http's client, and prints what it got.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := ":8080"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	var n int64
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from Go net/http in a xenpod pod, request %d\n",
			atomic.AddInt64(&n, 1))
	})
	http.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		var wg sync.WaitGroup
		var sum int64
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				time.Sleep(time.Duration(i%10) * time.Millisecond)
				atomic.AddInt64(&sum, int64(i))
			}(i)
		}
		wg.Wait()
		fmt.Fprintf(w, "work %d\n", sum)
	})
	errc := make(chan error, 1)
	go func() { errc <- http.ListenAndServe(addr, nil) }()
	// The client side, over loopback, once the server listens.
	for i := 0; i < 50; i++ {
		select {
		case err := <-errc:
			fmt.Println("gohttp:", err)
			os.Exit(1)
		default:
		}
		resp, err := http.Get("http://127.0.0.1" + addr + "/work")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			fmt.Printf("gohttp: self get: %s", body)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Printf("go http on %s\n", addr)
	fmt.Println("gohttp:", <-errc)
	os.Exit(1)
}
