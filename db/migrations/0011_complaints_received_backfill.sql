-- Hand-written (issue 15). Complaints filed before complaints had channels came through the form:
-- they were received when they were created. Rows written since always carry received_at.
UPDATE `complaints` SET `received_at` = `created_at` WHERE `received_at` IS NULL;
