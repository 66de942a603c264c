-- Aging per customer by 0 / 1-30 / 31-60 / 61-90 / 90+ days overdue, over
-- the invoices with an open balance (the partial index dun keeps).
SELECT customer_id,
  SUM(CASE WHEN d <= 0 THEN open_minor ELSE 0 END) AS current,
  SUM(CASE WHEN d BETWEEN 1 AND 30 THEN open_minor ELSE 0 END) AS d1_30,
  SUM(CASE WHEN d BETWEEN 31 AND 60 THEN open_minor ELSE 0 END) AS d31_60,
  SUM(CASE WHEN d BETWEEN 61 AND 90 THEN open_minor ELSE 0 END) AS d61_90,
  SUM(CASE WHEN d > 90 THEN open_minor ELSE 0 END) AS d90_plus
FROM (SELECT customer_id, open_minor, julianday('2026-11-22') - julianday(due_date) AS d
      FROM invoice WHERE kind = 'invoice' AND open_minor > 0)
GROUP BY customer_id;
