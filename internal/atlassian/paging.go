package atlassian

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strings"
)

// links is the `links` object of a listing.
type links struct {
	Self string `json:"self,omitempty"`
	Next string `json:"next,omitempty"`
}

// listResponse is the shape of every v2 listing.
type listResponse[T any] struct {
	Data  []T   `json:"data"`
	Links links `json:"links"`
}

// NextCursor turns a `links.next` value into the cursor to send back. The
// reference says it is an opaque cursor; a URL carrying ?cursor= is accepted
// too, so a client survives either answer.
func NextCursor(next string) string {
	next = strings.TrimSpace(next)
	if next == "" {
		return ""
	}
	if strings.HasPrefix(next, "/") || strings.HasPrefix(next, "http://") || strings.HasPrefix(next, "https://") {
		if u, err := url.Parse(next); err == nil {
			if c := u.Query().Get("cursor"); c != "" {
				return c
			}
			// A "next" link without a cursor leads nowhere new.
			return ""
		}
	}
	return next
}

// All walks every page that fetch returns, from the first to the last,
// yielding each item. It stops with an error when a page fails or when the
// server hands back a cursor it already gave (a loop that would never end).
func All[T any](ctx context.Context, fetch func(ctx context.Context, cursor string) (Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{}
		cursor := ""
		for {
			page, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			if seen[page.Next] {
				yield(zero, fmt.Errorf("atlassian: the server returned the cursor %q twice; stopping a listing that would never end", truncate(page.Next, 40)))
				return
			}
			seen[page.Next] = true
			cursor = page.Next
		}
	}
}

// Collect gathers every item of a listing into a slice.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

func pageOf[T any](r listResponse[T]) Page[T] {
	return Page[T]{Items: r.Data, Next: NextCursor(r.Links.Next)}
}

// pageQuery starts the query of a paged v2 read.
func (c *Client) pageQuery(cursor string) url.Values {
	q := url.Values{}
	q.Set("limit", fmt.Sprint(c.pageSize))
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	return q
}

// pathf builds a path from a template whose {placeholders} are replaced, in
// order, by the escaped values. The template itself is the route.
func pathf(template string, values ...string) string {
	var b strings.Builder
	rest := template
	for _, v := range values {
		open := strings.IndexByte(rest, '{')
		end := strings.IndexByte(rest, '}')
		if open < 0 || end < open {
			break
		}
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(v))
		rest = rest[end+1:]
	}
	b.WriteString(rest)
	return b.String()
}
