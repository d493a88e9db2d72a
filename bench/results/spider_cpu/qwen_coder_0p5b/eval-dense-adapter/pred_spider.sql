SELECT count(*) FROM singer
SELECT T1.name ,  T1.country ,  T1.age FROM singer AS T1 ORDER BY T1.age
SELECT T1.name ,  T1.country ,  T1.age FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id  =  T2.singer_id GROUP BY T1.singer_id ORDER BY T1.age DESC
SELECT DISTINCT country FROM singer WHERE age  >  20
SELECT country ,  count(*) FROM singer GROUP BY country
SELECT count(*) ,  country FROM singer GROUP BY country
SELECT T1.stadium_name ,  count(*) FROM stadium AS T1 JOIN singer_in_concert AS T2 ON T1.stadium_id  =  T2.stadium_id GROUP BY T1.stadium_id
SELECT YEAR FROM concert GROUP BY YEAR ORDER BY count(*) DESC LIMIT 1
SELECT T1.name FROM stadium AS T1 JOIN singer_in_concert AS T2 ON T1.stadium_id  =  T2.stadium_id GROUP BY T1.stadium_id HAVING count(*)  =  0
SELECT country FROM singer WHERE age  >  40 INTERSECT SELECT country FROM singer WHERE age  <  30
SELECT T1.name FROM stadium AS T1 JOIN singer_in_concert AS T2 ON T1.stadium_id  =  T2.concert_id WHERE T2.concert_id NOT IN (SELECT T1.concert_id FROM concert AS T1 JOIN singer_in_concert AS T2 ON T1.stadium_id  =  T2.concert_id WHERE T2.concert_id  =  2014)
SELECT T1.concert_name ,  T1.theme ,  count(*) FROM concert AS T1 JOIN singer_in_concert AS T2 ON T1.concert_id  =  T2.concert_id GROUP BY T1.concert_id
SELECT T1.name ,  count(*) FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id  =  T2.singer_id GROUP BY T1.name
SELECT T1.name ,  T1.country FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id  =  T2.singer_id JOIN concert AS T3 ON T2.concert_id  =  T3.concert_id WHERE T3.song_name LIKE '%Hey%'
SELECT count(*) FROM concert GROUP BY stadium_id ORDER BY sum(capacity) DESC LIMIT 1
SELECT sum(weight) FROM Pets WHERE pet_type  =  "dog" ORDER BY pet_age LIMIT 1
SELECT count(*) FROM Pets WHERE pet_age  >  20
SELECT T1.major ,  T1.age FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid WHERE T2.pettype  =  "cat" AND T1.pettype  !=  "cat"
SELECT T1.major ,  T1.age FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid WHERE T2.pettype  =  "cat" AND T1.petid  IS NULL
SELECT StuID FROM Has_Pet EXCEPT SELECT StuID FROM Pets WHERE PetType  =  "cat"
SELECT pet_type ,  min(pet_age) FROM pets GROUP BY pet_type
SELECT petid ,  weight FROM pets WHERE pet_age  >  1
SELECT pet_type ,  avg(Age) ,  max(Age) FROM Pets GROUP BY pet_type
SELECT pet_type ,  avg(weight) FROM pets GROUP BY pet_type
SELECT T1.petid FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid JOIN pets AS T3 ON T2.petid  =  T3.petid WHERE T1.lname  =  'Smith'
SELECT T1.petid FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid JOIN pets AS T3 ON T2.petid  =  T3.petid WHERE T1.lname  =  'Smith'
SELECT count(*) ,  T1.stuid FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid GROUP BY T1.stuid
SELECT T1.lname FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid  =  T2.stuid JOIN pets AS T3 ON T2.petid  =  T3.petid WHERE T3.pettype  =  "cat" AND T3.pet_age  =  3
SELECT count(*) FROM countries
SELECT DISTINCT T1.Maker FROM car_names AS T1 JOIN cars_data AS T2 ON T1.MakeId  =  T2.Id WHERE T2.Year  =  1970
SELECT DISTINCT T2.Model FROM car_names AS T1 JOIN cars_data AS T2 ON T1.MakeId  =  T2.Id WHERE T2.Year  >  1980
SELECT T1.continent ,  count(*) FROM car_makers AS T1 JOIN countries AS T2 ON T1.country  =  T2.country GROUP BY T1.continent
SELECT T1.continent ,  count(*) FROM continents AS T1 JOIN car_makers AS T2 ON T1.continent  =  T2.country GROUP BY T1.continent
SELECT T1.CountryName FROM countries AS T1 JOIN car_makers AS T2 ON T1.Country  =  T2.Country GROUP BY T1.Country ORDER BY count(*) DESC LIMIT 1
SELECT count(*) ,  T1.maker ,  T1.full_name FROM car_names AS T1 JOIN model_list AS T2 ON T1.model  =  T2.model GROUP BY T1.maker
SELECT count(*) FROM model_list WHERE country  =  "usa"
SELECT count(*) FROM car_names WHERE country  =  "USA"
SELECT T1.Country ,  T1.CountryId FROM countries AS T1 JOIN car_makers AS T2 ON T1.Country  =  T2.Country GROUP BY T1.Country HAVING count(*)  >=  1
SELECT count(*) FROM cars_data WHERE Horsepower  >  150
SELECT T2.Country FROM countries AS T1 JOIN car_makers AS T2 ON T1.Country  =  T2.Country WHERE T2.Continent  =  "europe" GROUP BY T2.Country HAVING count(*)  >=  3
SELECT T2.CountryName FROM countries AS T1 JOIN car_makers AS T2 ON T1.Country  =  T2.Country WHERE T2.Continent  =  "europe" GROUP BY T2.Country HAVING count(*)  >=  3
SELECT avg(Horsepower) FROM cars_data WHERE YEAR  <  1980
SELECT max(accelerate) ,  count(*) FROM cars_data GROUP BY count(*)
SELECT max(Edispl) FROM cars_data
SELECT Model FROM car_names GROUP BY Model ORDER BY count(*) DESC LIMIT 1
SELECT Model FROM car_names GROUP BY Model ORDER BY count(*) DESC LIMIT 1
SELECT count(*) FROM cars_data WHERE cylinders  >  4
SELECT count(*) FROM car_names AS T1 JOIN car_makers AS T2 ON T1.MakeId  =  T2.Id WHERE T2.Maker  =  "American Motor Company"
SELECT DISTINCT T1.model FROM car_names AS T1 JOIN model_list AS T2 ON T1.model  =  T2.model WHERE T1.weight  >  3500 OR T1.maker  =  "General Motors"
SELECT DISTINCT YEAR FROM cars_data WHERE Weight  <  4000 OR Weight  >  3000
SELECT count(*) FROM cars_data WHERE Accelerate  >  (SELECT max(Accelerate) FROM cars_data)
SELECT count(*) FROM cars_data WHERE cylinders  >  6
SELECT count(*) FROM cars_data WHERE Cylinders  >  6
SELECT Model FROM car_names WHERE Cylinders  =  4 ORDER BY Horsepower DESC LIMIT 1
SELECT T1.MakeId ,  T1.Make FROM car_names AS T1 JOIN cars_data AS T2 ON T1.MakeId  =  T2.MakeId GROUP BY T1.MakeId HAVING count(*)  <  4
SELECT DISTINCT T2.Model FROM car_names AS T1 JOIN model_list AS T2 ON T1.Model  =  T2.Model WHERE T1.Weight  <  3500 AND T1.Make  !=  "Ford Motor Company"
SELECT T1.CountryId ,  T1.CountryName FROM countries AS T1 JOIN car_names AS T2 ON T1.CountryId  =  T2.MakeId JOIN car_makers AS T3 ON T2.Model  =  T3.Model WHERE T3.Maker  =  'fiat' GROUP BY T1.CountryId HAVING count(*)  >  3
SELECT Airline ,  Abbreviation FROM airlines WHERE Country  =  "USA"
SELECT T1.airportcode ,  T1.airportname FROM airports AS T1 JOIN flights AS T2 ON T1.airportcode  =  T2.destairport WHERE T1.city  =  "Anthony"
SELECT T1.airportcode ,  T1.airportname FROM airports AS T1 JOIN flights AS T2 ON T1.airportcode  =  T2.destairport WHERE T1.city  =  "Anthony"
SELECT count(*) FROM flights
SELECT Airline FROM airlines WHERE Abbreviation  =  'UAL'
SELECT Airline FROM airlines WHERE Abbreviation  =  'UAL'
SELECT T1.city ,  T1.country FROM airports AS T1 JOIN flights AS T2 ON T1.airportcode  =  T2.destairport WHERE T1.airportname  =  "Alton"
SELECT count(*) FROM flights WHERE SourceAirport  =  'Aberdeen'
SELECT count(*) FROM flights WHERE SourceAirport  =  'Aberdeen'
SELECT count(*) FROM flights WHERE Airline  =  "Jetblue Airways"
SELECT count(*) FROM flights AS T1 JOIN airports AS T2 ON T1.SourceAirport  =  T2.AirportCode WHERE T2.AirportName  =  'AHD' AND T1.Airline  =  'United Airlines'
SELECT count(*) FROM flights AS T1 JOIN airports AS T2 ON T1.SourceAirport  =  T2.AirportCode WHERE T2.City  =  'Aberdeen' AND T1.Airline  =  'United Airlines'
SELECT airportcode FROM flights GROUP BY airportcode ORDER BY count(*) ASC LIMIT 1
SELECT Airline FROM flights GROUP BY Airline ORDER BY count(*) DESC LIMIT 1
SELECT T1.Airline FROM flights AS T1 JOIN airports AS T2 ON T1.SourceAirport  =  T2.AirportCode WHERE T2.AirportName  =  'AHD'
SELECT T1.Airline FROM flights AS T1 JOIN airports AS T2 ON T1.SourceAirport  =  T2.AirportCode INTERSECT SELECT T1.Airline FROM flights AS T1 JOIN airports AS T2 ON T1.DestAirport  =  T2.AirportCode
SELECT T1.Airline FROM flights AS T1 JOIN airports AS T2 ON T1.SourceAirport  =  T2.AirportCode JOIN airports AS T3 ON T1.DestAirport  =  T3.AirportCode WHERE T2.AirportName  =  "APG" INTERSECT SELECT T1.Airline FROM flights AS T1 JOIN airports AS T2 ON T1.SourceAirport  =  T2.AirportCode JOIN airports AS T3 ON T1.DestAirport  =  T3.AirportCode WHERE T2.AirportName  =  "CVO"
SELECT T1.Airline FROM flights AS T1 JOIN airports AS T2 ON T1.SourceAirport  =  T2.AirportCode WHERE T2.AirportName  =  "CVO" EXCEPT SELECT T1.Airline FROM flights AS T1 JOIN airports AS T2 ON T1.DestAirport  =  T2.AirportCode WHERE T2.AirportName  =  "APG"
SELECT Airline FROM flights GROUP BY Airline HAVING count(*)  >=  10
SELECT FlightNo FROM flights WHERE Airline  =  "United Airlines"
SELECT FlightNo FROM flights WHERE SourceAirport  =  "APG"
SELECT FlightNo FROM flights WHERE SourceAirport  =  "Aberdeen"
SELECT count(*) FROM employee
SELECT name FROM employee ORDER BY age
SELECT count(*) ,  city FROM employee GROUP BY city
SELECT count(*) ,  T2.location FROM shop AS T1 JOIN employee AS T2 ON T1.shop_id  =  T2.shop_id GROUP BY T2.location
SELECT manager_name ,  district FROM shop GROUP BY district ORDER BY count(*) DESC LIMIT 1
SELECT T2.name FROM employee AS T1 JOIN shop AS T2 ON T1.employee_id  =  T2.employee_id GROUP BY T2.name HAVING avg(T2.number_products)  >  (SELECT avg(T2.number_products) FROM employee AS T1 JOIN shop AS T2 ON T1.employee_id  =  T2.employee_id)
SELECT T1.name FROM evaluation AS T1 JOIN employee AS T2 ON T1.employee_id  =  T2.employee_id GROUP BY T1.employee_id ORDER BY sum(T1.bonus) DESC LIMIT 1
SELECT T1.name FROM employee AS T1 JOIN evaluation AS T2 ON T1.employee_id  =  T2.employee_id WHERE T2.employee_id  IS NULL
SELECT sum(T1.Bonus) FROM evaluation AS T1 JOIN employee AS T2 ON T1.Employee_ID  =  T2.Employee_ID
SELECT count(DISTINCT LOCATION) FROM shop
SELECT count(*) FROM Documents
SELECT document_id ,  document_name ,  document_description FROM documents
SELECT count(DISTINCT Template_ID) FROM Documents
SELECT count(*) FROM Documents WHERE Template_ID  =  (SELECT Template_ID FROM Templates WHERE Template_Type_Code  =  'PPT')
SELECT T1.template_id ,  T1.template_type_code FROM documents AS T1 JOIN paragraphs AS T2 ON T1.document_id  =  T2.document_id GROUP BY T1.template_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.template_id ,  T1.template_type_code FROM documents AS T1 JOIN paragraphs AS T2 ON T1.document_id  =  T2.document_id GROUP BY T1.template_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.Template_ID FROM Documents AS T1 JOIN Paragraphs AS T2 ON T1.Document_ID  =  T2.Document_ID GROUP BY T1.Template_ID HAVING count(*)  >  1
SELECT T1.template_id FROM templates AS T1 JOIN paragraphs AS T2 ON T1.template_id  =  T2.document_id WHERE T2.paragraph_id  =  (SELECT paragraph_id FROM paragraphs WHERE document_id  =  T1.template_id)
SELECT template_id ,  version_number ,  template_type_code FROM templates
SELECT T1.template_id ,  T1.version_number ,  T1.template_type_code FROM templates AS T1 JOIN documents AS T2 ON T1.template_id  =  T2.template_id
SELECT count(*) FROM templates WHERE template_type_code  =  'CV'
SELECT Template_Type_Code FROM Templates GROUP BY Template_Type_Code ORDER BY count(*) DESC LIMIT 1
SELECT Template_Type_Code FROM Documents WHERE Document_Name  =  "DataBase"
SELECT Template_Type_Code ,  count(*) FROM Documents GROUP BY Template_Type_Code
SELECT Template_Type_Code FROM Documents GROUP BY Template_Type_Code ORDER BY count(*) DESC LIMIT 1
SELECT Template_Type_Description FROM Ref_Template_Types WHERE Template_Type_Code  =  "AD"
SELECT Template_Type_Code FROM Ref_Template_Types WHERE Template_Type_Description  =  "Book"
SELECT sum(Paragraph_ID) FROM paragraphs
SELECT count(*) FROM paragraphs WHERE document_id  =  (SELECT document_id FROM documents WHERE document_name  =  'Summer Show')
SELECT T1.Paragraph_ID ,  T1.Paragraph_Text FROM Documents AS T1 JOIN Paragraphs AS T2 ON T1.Document_ID  =  T2.Document_ID WHERE T1.Document_Name  =  'Welcome to NY'
SELECT T1.document_id ,  T1.paragraph_text FROM documents AS T1 JOIN paragraphs AS T2 ON T1.document_id  =  T2.document_id WHERE T2.document_name  =  'Welcome to NY'
SELECT T2.Paragraph_Text FROM Documents AS T1 JOIN Paragraphs AS T2 ON T1.Document_ID  =  T2.Document_ID WHERE T1.Document_Name  =  'Customer reviews'
SELECT document_id FROM paragraphs GROUP BY document_id HAVING count(*)  >=  2
SELECT document_id FROM paragraphs WHERE paragraph_id  BETWEEN 1 AND 2
SELECT document_id FROM paragraphs WHERE paragraph_id BETWEEN 1 AND 2
SELECT document_id FROM paragraphs WHERE paragraph_text  =  'Brazil' INTERSECT SELECT document_id FROM paragraphs WHERE paragraph_text  =  'Ireland'
SELECT document_id FROM paragraphs WHERE paragraph_text  =  'Brazil' INTERSECT SELECT document_id FROM paragraphs WHERE paragraph_text  =  'Ireland'
SELECT age ,  hometown FROM teacher
SELECT T2.name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.teacher_id  =  T2.teacher_id WHERE T1.hometown  !=  "Little Lever Urban District"
SELECT T2.name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.teacher_id  =  T2.teacher_id WHERE T1.hometown  !=  "Little Lever Urban District"
SELECT T1.Hometown FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.Teacher_ID  =  T2.Teacher_ID ORDER BY T1.Age LIMIT 1
SELECT T1.name ,  T2.course FROM course AS T1 JOIN course_arrange AS T2 ON T1.course_id  =  T2.course_id JOIN teacher AS T3 ON T2.teacher_id  =  T3.teacher_id
SELECT T1.name FROM course AS T1 JOIN course_arrange AS T2 ON T1.course_id  =  T2.course_id GROUP BY T1.teacher_id HAVING count(*)  >=  2
SELECT T1.name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.teacher_id  =  T2.teacher_id WHERE T2.course_id  NOT IN (SELECT course_id FROM course_arrange)
SELECT T1.name FROM visitor AS T1 JOIN visit AS T2 ON T1.id  =  T2.visitor_id WHERE T1.level_of_membership  >  4 ORDER BY T1.level_of_membership DESC
SELECT T1.Museum_ID ,  T1.Name FROM museum AS T1 JOIN visit AS T2 ON T1.Museum_ID  =  T2.Museum_ID GROUP BY T1.Museum_ID ORDER BY count(*) DESC LIMIT 1
SELECT open_year ,  num_of_staff FROM museum WHERE name  =  "Plaza Museum"
SELECT T1.id ,  T1.name ,  T1.level_of_membership FROM visit AS T1 JOIN visitor AS T2 ON T1.visitor_id  =  T2.id GROUP BY T1.visitor_id ORDER BY sum(T1.total_spent) DESC LIMIT 1
SELECT avg(injured) ,  ship_type FROM death GROUP BY ship_type
SELECT DISTINCT T1.id ,  T1.name FROM battle AS T1 JOIN ship AS T2 ON T1.id  =  T2.lost_in_battle GROUP BY T1.id ,  T1.name HAVING T2.ship_type  =  'Brig'
SELECT T1.id ,  T1.name FROM ship AS T1 JOIN death AS T2 ON T1.id  =  T2.cause_by_ship_id GROUP BY T1.id ORDER BY sum(T2.injured) DESC LIMIT 1
SELECT T1.name ,  T1.result ,  T1.bulgarian_commander FROM battle AS T1 JOIN ship AS T2 ON T1.id  =  T2.lost_in_battle GROUP BY T1.id HAVING count(*)  =  0
SELECT T2.course_description FROM courses AS T1 JOIN student_enrolment AS T2 ON T1.course_id  =  T2.course_id WHERE T1.course_name  =  "math"
SELECT T2.course_description FROM Courses AS T1 JOIN Student_Enrolment_Courses AS T2 ON T1.course_id  =  T2.course_id WHERE T1.course_name  =  "Math"
SELECT T1.department_name ,  T1.department_id FROM DEPARTMENTS AS T1 JOIN STUDENT_ENROLMENT AS T2 ON T1.department_id  =  T2.department_id GROUP BY T1.department_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.department_name ,  T1.department_id FROM DEPARTMENTS AS T1 JOIN STUDENT_ENROLMENT AS T2 ON T1.department_id  =  T2.department_id GROUP BY T1.department_id ORDER BY count(*) DESC LIMIT 1
SELECT count(DISTINCT department_id) FROM DEPARTMENTS
SELECT count(*) FROM DEPARTMENTS AS T1 JOIN DEGREE_PROGRAMS AS T2 ON T1.department_id  =  T2.department_id JOIN COURSES AS T3 ON T2.degree_program_id  =  T3.degree_program_id WHERE T1.department_name  =  "Engineering"
SELECT T1.section_name ,  T1.section_description FROM sections AS T1
SELECT section_name FROM sections ORDER BY section_name DESC
SELECT T1.semester_name ,  T1.semester_id FROM students AS T1 JOIN student_enrolment AS T2 ON T1.student_id  =  T2.student_id GROUP BY T1.semester_id ORDER BY count(*) DESC LIMIT 1
SELECT T2.department_description FROM departments AS T1 JOIN student_enrolment AS T2 ON T1.department_id  =  T2.department_id WHERE T1.department_name LIKE '%computer%'
SELECT T1.degree_program_id ,  T1.degree_summary_name FROM student_enrolment AS T1 JOIN degree_programs AS T2 ON T1.degree_program_id  =  T2.degree_program_id GROUP BY T1.degree_program_id ORDER BY count(*) DESC LIMIT 1
SELECT student_id ,  first_name ,  middle_name ,  last_name ,  count(*) ,  student_enrolment_id FROM student_enrolment GROUP BY student_enrolment_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.semester_name FROM TRANSCRIPTS AS T1 JOIN STUDENT_ENROLMENT_COURSES AS T2 ON T1.transcript_id  =  T2.transcript_id GROUP BY T1.semester_id HAVING count(*)  =  0
SELECT T1.course_name FROM students AS T1 JOIN student_enrolment AS T2 ON T1.student_id  =  T2.student_id GROUP BY T1.course_id HAVING count(*)  >  0
SELECT T1.course_name FROM student_enrolment AS T1 JOIN courses AS T2 ON T1.course_id  =  T2.course_id GROUP BY T1.course_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.course_name FROM student_enrolment AS T1 JOIN courses AS T2 ON T1.course_id  =  T2.course_id GROUP BY T1.course_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.last_name FROM students AS T1 JOIN student_ enrolment AS T2 ON T1.student_id  =  T2.student_id JOIN student_ enrolment_courses AS T3 ON T2.student_enrolment_id  =  T3.student_enrolment_id JOIN student_enrolment_programs AS T4 ON T3.degree_program_id  =  T4.degree_program_id WHERE T1.state_province_county  =  "North Carolina" AND T2.date_first_registered  =  NULL
SELECT T1.transcript_date ,  T1.transcript_id FROM TRANSCRIPTS AS T1 JOIN STUDENT_ENROLMENT_COURSES AS T2 ON T1.transcript_id  =  T2.transcript_id GROUP BY T1.transcript_id HAVING count(*)  >=  2
SELECT first_name ,  middle_name ,  last_name FROM students ORDER BY date_first_registered LIMIT 1
SELECT first_name ,  middle_name ,  last_name FROM students ORDER BY date_first_registered LIMIT 1
SELECT first_name ,  middle_name ,  last_name FROM students ORDER BY date_first_registered LIMIT 1
SELECT T1.first_name FROM students AS T1 JOIN student_enrolment AS T2 ON T1.student_id  =  T2.student_id JOIN student_enrolment_courses AS T3 ON T2.student_enrolment_id  =  T3.student_enrolment_id JOIN student AS T4 ON T3.student_id  =  T4.student_id WHERE T1.current_address_id  !=  T4.current_address_id
SELECT T1.address_id ,  T1.line_1 ,  T1.line_2 FROM addresses AS T1 JOIN student_enrolment AS T2 ON T1.address_id  =  T2.current_address_id GROUP BY T1.address_id ORDER BY count(*) DESC LIMIT 1
SELECT count(DISTINCT address_id) FROM students
SELECT T1.student_details FROM students AS T1 ORDER BY T1.student_details DESC
SELECT section_name FROM sections WHERE section_id = 1
SELECT title FROM Cartoon ORDER BY title ASC
SELECT T1.Title FROM Cartoon AS T1 JOIN TV_Channel AS T2 ON T1.Channel  =  T2.id WHERE T2.Directed_by  =  "Ben Jones"
SELECT count(*) FROM Cartoon WHERE Written_by  =  "Joseph Kuhr"
SELECT T1.Title FROM Cartoon AS T1 JOIN TV_Channel AS T2 ON T1.Channel  =  T2.id WHERE T1.Directed_by  =  "Ben Jones" OR T1.Directed_by  =  "Brandon Vietti"
SELECT country ,  count(*) FROM TV_Channel GROUP BY country ORDER BY count(*) DESC LIMIT 1
SELECT Content FROM TV_Channel WHERE series_name  =  "Sky Radio"
SELECT count(*) FROM TV_Channel WHERE Language  =  "English"
SELECT Language ,  count(*) FROM TV_Channel GROUP BY Language ORDER BY count(*) LIMIT 1
SELECT count(*) ,  language FROM TV_Channel GROUP BY language ORDER BY count(*) LIMIT 1
SELECT Language ,  count(*) FROM TV_Channel GROUP BY Language
SELECT T1.series_name FROM TV_Channel AS T1 JOIN TV_series AS T2 ON T1.id  =  T2.channel WHERE T2.Title  =  "The Rise of the Blue Beetle!"
SELECT T1.series_name FROM TV_Channel AS T1 JOIN TV_series AS T2 ON T1.id  =  T2.Channel WHERE T2.Title  =  "The Rise of the Blue Beetle!"
SELECT Episode FROM TV_series ORDER BY Rating
SELECT min(Share) ,  max(Share) FROM TV_series
SELECT Air_Date FROM TV_series WHERE Episode  =  "A Love of a Lifetime"
SELECT Air_Date FROM TV_series WHERE Episode  =  "A Love of a Lifetime"
SELECT Weekly_Rank FROM TV_series WHERE Episode  =  "A Love of a Lifetime"
SELECT Episode FROM TV_series WHERE series_name  =  "Sky Radio"
SELECT count(*) ,  T1.directed_by FROM Cartoon AS T1 JOIN TV_Channel AS T2 ON T1.channel  =  T2.id GROUP BY T1.directed_by
SELECT count(*) ,  T1.directed_by FROM Cartoon AS T1 JOIN TV_Channel AS T2 ON T1.channel  =  T2.id GROUP BY T1.directed_by
SELECT T1.Country FROM TV_Channel AS T1 JOIN TV_series AS T2 ON T1.id  =  T2.Channel WHERE T2.Directed_by  =  "Todd Casey"
SELECT T1.pixel_aspect_ratio_PAR ,  T1.Country FROM TV_Channel AS T1 JOIN TV_series AS T2 ON T1.id  =  T2.channel WHERE T1.language  !=  "English"
SELECT id FROM TV_Channel GROUP BY id HAVING count(*)  >  2
SELECT Package_Option FROM TV_Channel WHERE Channel NOT IN (SELECT Channel FROM TV_series WHERE Directed_by  =  "Ben Jones")
SELECT Earnings FROM poker_player ORDER BY Earnings DESC
SELECT Money_Rank FROM poker_player ORDER BY Earnings DESC LIMIT 1
SELECT Name FROM poker_player
SELECT Name FROM poker_player ORDER BY Final_Table_Made ASC
SELECT Birth_Date FROM poker_player ORDER BY Earnings LIMIT 1
SELECT Birth_Date FROM poker_player ORDER BY Earnings LIMIT 1
SELECT Money_Rank FROM poker_player ORDER BY Money_Rank DESC LIMIT 1
SELECT Name FROM poker_player ORDER BY Earnings DESC
SELECT Nationality FROM people GROUP BY Nationality HAVING COUNT(*)  >=  2
SELECT Name FROM people WHERE Nationality != "Russia"
SELECT Name FROM people EXCEPT SELECT T1.Name FROM poker_player AS T1 JOIN people AS T2 ON T1.People_ID  =  T2.People_ID
SELECT count(DISTINCT Nationality) FROM people
SELECT max(created) FROM VOTES WHERE state  =  'CA'
SELECT T1.contestant_number ,  T1.contestant_name FROM VOTES AS T1 JOIN CONTESTANTS AS T2 ON T1.contestant_number  =  T2.contestant_number GROUP BY T1.contestant_number HAVING count(*)  >=  2
SELECT count(*) FROM VOTES WHERE state  =  'NY' OR state  =  'CA'
SELECT T1.area_code FROM VOTES AS T1 JOIN AREA_CODE_STATE AS T2 ON T1.state  =  T2.state GROUP BY T1.state ORDER BY count(*) DESC LIMIT 1
SELECT T2.Continent FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode WHERE T1.Name  =  'Anguilla'
SELECT Language FROM countrylanguage WHERE CountryCode  =  (SELECT CountryCode FROM country WHERE Name  =  'Aruba') ORDER BY Percentage DESC LIMIT 1
SELECT T2.Language FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode WHERE T1.Name  =  'Aruba' GROUP BY T2.Language ORDER BY count(*) DESC LIMIT 1
SELECT region ,  population FROM country WHERE code  =  'AGO'
SELECT T1.Name FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode WHERE T2.Percentage  =  (SELECT min(Percentage) FROM countrylanguage) AND T1.Continent  =  'Asia'
SELECT sum(population) ,  max(gnp) FROM city WHERE countrycode  =  'Asia'
SELECT sum(population) FROM city WHERE district  =  'Gelderland'
SELECT avg(GNP) ,  sum(Population) FROM country WHERE T2.Name  =  'USA'
SELECT count(DISTINCT Language) FROM countrylanguage
SELECT count(DISTINCT GovernmentForm) FROM country
SELECT count(*) FROM countrylanguage WHERE countrycode  =  'AFG'
SELECT count(*) FROM countrylanguage WHERE countrycode  =  'AFG'
SELECT T2.Continent FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode GROUP BY T2.CountryCode ORDER BY SUM(T2.Percentage) DESC LIMIT 1
SELECT count(DISTINCT Continent) FROM countrylanguage WHERE Language  =  'Chinese'
SELECT T2.Language FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode GROUP BY T2.Language ORDER BY count(*) DESC LIMIT 1
SELECT T1.Name FROM city AS T1 JOIN countrylanguage AS T2 ON T1.CountryCode  =  T2.CountryCode WHERE T2.Language  =  'English' ORDER BY T1.Population DESC LIMIT 1
SELECT count(DISTINCT T1.Language) FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode WHERE T1.FoundYear  <  1930
SELECT T1.Name FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode WHERE T1.SurfaceArea  >  (SELECT max(SurfaceArea) FROM country)
SELECT T1.Name FROM country AS T1 JOIN city AS T2 ON T1.Code  =  T2.CountryCode WHERE T1.Population  <  (SELECT min(Population) FROM city)
SELECT T1.name FROM city AS T1 JOIN countrylanguage AS T2 ON T1.countrycode  =  T2.countrycode WHERE T2.isofficial  =  'F' AND T1.continent  =  'Europe'
SELECT T1.Name ,  count(*) FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode GROUP BY T1.Name HAVING count(*)  >=  3
SELECT T1.GovernmentForm ,  avg(T2.Population) FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode GROUP BY T1.GovernmentForm HAVING avg(T2.Population)  >  72
SELECT DISTINCT T1.GovernmentForm ,  sum(T2.Population) FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode GROUP BY T1.GovernmentForm HAVING avg(T2.Percentage)  >  72
SELECT T1.Name ,  T1.SurfaceArea FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode ORDER BY T2.Percentage DESC LIMIT 5
SELECT T1.Name FROM country AS T1 JOIN city AS T2 ON T1.Code  =  T2.CountryCode GROUP BY T1.Code ORDER BY T2.Population LIMIT 3
SELECT count(*) FROM country WHERE Continent  =  'Asia'
SELECT T1.Code ,  T2.Language FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code  =  T2.CountryCode GROUP BY T1.Code ORDER BY T2.Percentage DESC LIMIT 1
SELECT count(*) FROM conductor
SELECT Name FROM conductor WHERE Nationality != "USA"
SELECT Name FROM conductor WHERE Nationality != "USA"
SELECT count(DISTINCT Nationality) FROM conductor
SELECT Name FROM conductor GROUP BY Name ORDER BY sum(YEAR_of_Work) DESC LIMIT 1
SELECT T1.name ,  T2.orchestra FROM conductor AS T1 JOIN performance AS T2 ON T1.conductor_id  =  T2.conductor_id GROUP BY T1.conductor_id
SELECT T1.name ,  T2.orchestra FROM conductor AS T1 JOIN performance AS T2 ON T1.conductor_id  =  T2.conductor_id
SELECT T1.name FROM conductor AS T1 JOIN performance AS T2 ON T1.conductor_id  =  T2.conductor_id GROUP BY T1.conductor_id HAVING count(*)  >  1
SELECT T1.name FROM conductor AS T1 JOIN performance AS T2 ON T1.conductor_id  =  T2.conductor_id GROUP BY T1.conductor_id ORDER BY count(*) DESC LIMIT 1
SELECT count(*) ,  Record_Company FROM orchestra GROUP BY Record_Company
SELECT record_format FROM orchestra GROUP BY record_format ORDER BY count(*) ASC
SELECT major_record_format FROM orchestra GROUP BY major_record_format ORDER BY count(*) DESC
SELECT orchestra_id FROM performance GROUP BY orchestra_id HAVING count(*)  = 0
SELECT count(*) FROM orchestra WHERE Major_Record_Format  =  "CD" OR Major_Record_Format  =  "DVD"
SELECT YEAR_of_Founded FROM performance GROUP BY YEAR_of_Founded HAVING count(*)  >  1
SELECT count(*) FROM highschooler
SELECT name ,  grade FROM Highschooler
SELECT id FROM highschooler WHERE name  =  "Kyle"
SELECT count(*) FROM Highschooler WHERE grade  =  9 OR grade  =  10
SELECT count(*) ,  grade FROM highschooler GROUP BY grade
SELECT count(*) ,  grade FROM highschooler GROUP BY grade
SELECT grade FROM Highschooler GROUP BY grade HAVING count(*)  >=  4
SELECT student_id ,  count(*) FROM likes GROUP BY student_id
SELECT T1.name ,  count(*) FROM Highschooler AS T1 JOIN likes AS T2 ON T1.id  =  T2.student_id GROUP BY T1.id
SELECT T1.name FROM Highschooler AS T1 JOIN likes AS T2 ON T1.id  =  T2.student_id GROUP BY T1.id HAVING count(*)  >=  3
SELECT T1.name FROM Highschooler AS T1 JOIN likes AS T2 ON T1.id  =  T2.student_id JOIN friend AS T3 ON T2.liked_id  =  T3.student_id WHERE T1.name  =  "Kyle"
SELECT count(*) FROM Friend WHERE student_id  =  (SELECT student_id FROM Highschooler WHERE name  =  "Kyle")
SELECT T1.student_id FROM likes AS T1 JOIN friend AS T2 ON T1.student_id  =  T2.student_id JOIN highschooler AS T3 ON T2.friend_id  =  T3.id GROUP BY T1.student_id HAVING count(*)  =  2
SELECT count(*) ,  T1.student_id FROM likes AS T1 JOIN highschooler AS T2 ON T1.student_id  =  T2.id GROUP BY T1.student_id
SELECT T1.name ,  count(*) FROM likes AS T1 JOIN highschooler AS T2 ON T1.student_id  =  T2.id GROUP BY T1.student_id
SELECT T1.name FROM likes AS T1 JOIN highschooler AS T2 ON T1.student_id  =  T2.id GROUP BY T1.student_id HAVING count(*)  >=  2
SELECT T1.name FROM likes AS T1 JOIN highschooler AS T2 ON T1.student_id  =  T2.id GROUP BY T1.student_id HAVING count(*)  >=  2
SELECT count(*) FROM Likes WHERE student_id  =  (SELECT student_id FROM Highschooler WHERE name  =  'Kyle')
SELECT avg(grade) FROM Highschooler WHERE id NOT IN (SELECT student_id FROM Likes)
SELECT min(grade) FROM Highschooler WHERE ID NOT IN (SELECT student_id FROM Likes)
SELECT avg(age) FROM TREATMENTS
SELECT T1.professional_id ,  T1.last_name ,  T1.cell_number FROM owners AS T1 JOIN treatments AS T2 ON T1.owner_id  =  T2.professional_id JOIN dogs AS T3 ON T2.dog_id  =  T3.dog_id WHERE T3.state  =  "Indiana" GROUP BY T1.professional_id HAVING count(*)  >  2
SELECT T1.name FROM TREATMENTS AS T1 JOIN Dogs AS T2 ON T1.dog_id  =  T2.dog_id WHERE T1.cost_of_treatment  >  1000
SELECT T1.name FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id GROUP BY T1.owner_id HAVING sum(T2.date_adopted)  >  1000
SELECT T1.first_name FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id WHERE T2.name  NOT IN (SELECT T1.first_name FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id)
SELECT DISTINCT T1.first_name FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id WHERE T2.name  NOT IN (SELECT T1.first_name FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id)
SELECT T1.professional_id ,  T1.role_code ,  T1.email_address FROM TREATMENTS AS T1 JOIN Dogs AS T2 ON T1.dog_id  =  T2.dog_id WHERE T1.treatment_type_code  =  'none'
SELECT T1.professional_id ,  T1.first_name ,  T1.last_name ,  T1.email_address FROM TREATMENTS AS T1 JOIN Dogs AS T2 ON T1.dog_id  =  T2.dog_id WHERE T1.treatment_type_code  =  "none"
SELECT T1.owner_id ,  T1.first_name ,  T1.last_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id  =  T2.owner_id GROUP BY T1.owner_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.owner_id ,  T1.first_name ,  T1.last_name FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id GROUP BY T1.owner_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.professional_id ,  T1.role_code ,  T1.first_name FROM TREATMENTS AS T1 JOIN professionals AS T2 ON T1.professional_id  =  T2.professional_id GROUP BY T1.professional_id HAVING count(*)  >=  2
SELECT T1.date_of_treatment ,  T2.first_name FROM TREATMENTS AS T1 JOIN PROFESSORS AS T2 ON T1.professional_id  =  T2.professional_id
SELECT T1.first_name ,  T1.last_name ,  T2.size_description FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id
SELECT T1.name ,  T2.date_of_treatment FROM Dogs AS T1 JOIN TREATMENTS AS T2 ON T1.dog_id  =  T2.dog_id GROUP BY T1.dog_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.first_name ,  T2.name FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id WHERE T1.state  =  "Virginia"
SELECT T1.date_arrived ,  T2.date_departed FROM TREATMENTS AS T1 JOIN Dogs AS T2 ON T1.dog_id  =  T2.dog_id
SELECT T1.last_name FROM owners AS T1 JOIN dogs AS T2 ON T1.owner_id  =  T2.owner_id ORDER BY T2.age LIMIT 1
SELECT count(*) FROM TREATMENTS
SELECT count(*) FROM TREATMENTS
SELECT T1.role_code ,  T1.street ,  T1.city ,  T1.state FROM owners AS T1 JOIN professionals AS T2 ON T1.owner_id  =  T2.owner_id WHERE T1.city LIKE '%West%'
SELECT count(*) FROM Dogs WHERE age  <  (SELECT avg(age) FROM Dogs)
SELECT count(*) FROM Dogs WHERE age  <  (SELECT avg(age) FROM Dogs)
SELECT max(cost_of_treatment) FROM TREATMENTS
SELECT count(*) FROM TREATMENTS WHERE professional_id NOT IN (SELECT T2.professional_id FROM TREATMENTS AS T1 JOIN dogs AS T2 ON T1.dog_id  =  T2.dog_id)
SELECT count(*) FROM TREATMENTS WHERE professional_id NOT IN (SELECT T2.professional_id FROM TREATMENTS AS T1 JOIN dogs AS T2 ON T1.dog_id  =  T2.dog_id)
SELECT max(age) FROM Dogs
SELECT T1.charge_type ,  T2.charge_amount FROM charges AS T1 JOIN treatment_types AS T2 ON T1.treatment_type_code  =  T2.treatment_type_code
SELECT T1.email_address ,  T1.cell_number ,  T1.home_phone FROM owners AS T1 JOIN professionals AS T2 ON T1.owner_id  =  T2.owner_id
SELECT DISTINCT T1.breed_type ,  T2.size_description FROM Dogs AS T1 JOIN Sizes AS T2 ON T1.size_code  =  T2.size_code
SELECT T1.first_name ,  T2.treatment_type_description FROM owners AS T1 JOIN treatments AS T2 ON T1.owner_id  =  T2.professional_id
SELECT count(*) FROM singer
SELECT Name FROM singer ORDER BY Net_Worth_Millions ASC
SELECT T1.name FROM singer AS T1 JOIN song AS T2 ON T1.singer_id  =  T2.singer_id ORDER BY T2.net_worth_millions DESC LIMIT 1
SELECT DISTINCT Citizenship ,  count(*) FROM singer GROUP BY Citizenship
SELECT Citizenship FROM singer GROUP BY Citizenship ORDER BY COUNT(*) DESC LIMIT 1
SELECT T1.Name ,  sum(T2.Sales) FROM singer AS T1 JOIN song AS T2 ON T1.Singer_ID  =  T2.Singer_ID GROUP BY T1.Name
SELECT Name FROM singer EXCEPT SELECT T1.Name FROM singer AS T1 JOIN song AS T2 ON T1.Singer_ID  =  T2.Singer_ID
SELECT T1.name FROM singer AS T1 JOIN song AS T2 ON T1.singer_id  =  T2.singer_id WHERE T2.song_id  IS NULL
SELECT T1.feature_type_name FROM Other_Available_Features AS T1 JOIN Properties AS T2 ON T1.feature_id  =  T2.property_id WHERE T2.property_name  =  'AirCon'
SELECT T2.property_type_description FROM properties AS T1 JOIN other_property_features AS T2 ON T1.property_id  =  T2.property_id WHERE T1.property_type_code  =  'B2'
SELECT T1.property_name FROM properties AS T1 JOIN other_property_features AS T2 ON T1.property_id  =  T2.property_id JOIN other_available_features AS T3 ON T2.feature_id  =  T3.feature_id WHERE T1.room_count  >  1
